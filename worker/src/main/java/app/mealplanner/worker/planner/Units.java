package app.mealplanner.worker.planner;

import java.util.Locale;

/** Units of recipe quantities and how they convert within their family (mass, volume, count). */
enum Units {
    G("g", Family.MASS, 1),
    KG("kg", Family.MASS, 1000),
    ML("ml", Family.VOLUME, 1),
    L("l", Family.VOLUME, 1000),
    TSP("tsp", Family.VOLUME, 5),
    TBSP("tbsp", Family.VOLUME, 15),
    CUP("cup", Family.VOLUME, 240),
    PIECE("piece", Family.COUNT, 1);

    enum Family { MASS, VOLUME, COUNT }

    final String symbol;
    final Family family;
    /** How many base units (g, ml, piece) one of this unit is. */
    final double base;

    Units(String symbol, Family family, double base) {
        this.symbol = symbol;
        this.family = family;
        this.base = base;
    }

    static Units of(String symbol) {
        String s = symbol.toLowerCase(Locale.ROOT).trim();
        for (Units u : values()) {
            if (u.symbol.equals(s)) {
                return u;
            }
        }
        return switch (s) {
            case "gram", "grams" -> G;
            case "kilogram", "kilograms" -> KG;
            case "milliliter", "milliliters", "millilitre", "millilitres" -> ML;
            case "liter", "liters", "litre", "litres" -> L;
            case "teaspoon", "teaspoons" -> TSP;
            case "tablespoon", "tablespoons" -> TBSP;
            case "cups" -> CUP;
            case "pieces", "pc", "pcs", "whole", "clove", "cloves", "slice", "slices" -> PIECE;
            default -> throw new IllegalArgumentException("unknown unit '" + symbol + "'");
        };
    }

    static boolean known(String symbol) {
        try {
            of(symbol);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
