package app.mealplanner.common.menu;

/** Energy and macronutrients; per serving on a recipe, per person on a day's totals. */
public record Nutrition(int calories, double proteinG, double carbsG, double fatG) {

    public static final Nutrition ZERO = new Nutrition(0, 0, 0, 0);

    public Nutrition plus(Nutrition other) {
        return new Nutrition(calories + other.calories, round(proteinG + other.proteinG),
                round(carbsG + other.carbsG), round(fatG + other.fatG));
    }

    public Nutrition times(double factor) {
        return new Nutrition((int) Math.round(calories * factor), round(proteinG * factor),
                round(carbsG * factor), round(fatG * factor));
    }

    private static double round(double grams) {
        return Math.round(grams * 10) / 10.0;
    }
}
