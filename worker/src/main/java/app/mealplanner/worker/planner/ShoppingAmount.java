package app.mealplanner.worker.planner;

/**
 * What to buy of a need: the need rounded up to a step a person shops in, in the unit that reads best.
 * Pieces are whole; grams and millilitres go in steps of 1, 5 or 10 below 1,000 and in 0.05 kg or l above;
 * spoon measures in quarter teaspoons, half tablespoons and quarter cups. A need within 5 % of a step
 * below stays there (4.03 onions are 4 onions, not 5).
 */
record ShoppingAmount(double quantity, Units unit) {

    /** The share of a step a need may exceed the step below it by and still be rounded down. */
    static final double SLACK = 0.05;

    static ShoppingAmount count(double pieces) {
        return new ShoppingAmount(up(pieces, 1), Units.PIECE);
    }

    static ShoppingAmount mass(double grams) {
        return metric(grams, Units.G, Units.KG);
    }

    static ShoppingAmount volume(double ml, boolean metric) {
        if (metric) {
            return metric(ml, Units.ML, Units.L);
        }
        double tsp = up(ml / Units.TSP.base, 0.25);
        if (tsp * Units.TSP.base < Units.TBSP.base) {
            return new ShoppingAmount(tsp, Units.TSP);
        }
        double tbsp = up(ml / Units.TBSP.base, 0.5);
        if (tbsp * Units.TBSP.base < Units.CUP.base / 4) {
            return new ShoppingAmount(tbsp, Units.TBSP);
        }
        return new ShoppingAmount(up(ml / Units.CUP.base, 0.25), Units.CUP);
    }

    private static ShoppingAmount metric(double base, Units small, Units large) {
        double step = base < 10 ? 1 : base < 100 ? 5 : 10;
        double rounded = up(base, step);
        if (rounded < large.base) {
            return new ShoppingAmount(rounded, small);
        }
        return new ShoppingAmount(up(base, large.base / 20) / large.base, large);
    }

    /** {@code value} rounded up to a multiple of {@code step}, at least one step. */
    static double up(double value, double step) {
        return Math.max(1, Math.ceil(value / step - SLACK)) * step;
    }

    /** The amount in base units (g, ml, pieces). */
    double base() {
        return quantity * unit.base;
    }

    /** "260 g", "1¼ cups", "½ tsp", "1.05 kg", "5". */
    String words() {
        return switch (unit) {
            case PIECE -> app.mealplanner.common.menu.Menu.Amount.number(quantity);
            case TSP, TBSP -> fraction(quantity) + " " + unit.symbol;
            case CUP -> fraction(quantity) + (quantity > 1 ? " cups" : " cup");
            default -> app.mealplanner.common.menu.Menu.Amount.number(quantity) + " " + unit.symbol;
        };
    }

    /** 1.25 as "1¼", 0.5 as "½", 2 as "2": to the nearest quarter. */
    static String fraction(double value) {
        long whole = (long) Math.floor(value);
        String part = switch ((int) Math.round((value - whole) * 4)) {
            case 1 -> "¼";
            case 2 -> "½";
            case 3 -> "¾";
            default -> "";
        };
        return whole == 0 && !part.isEmpty() ? part : whole + part;
    }
}
