package app.mealplanner.common.menu;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The allergens a user can exclude (the nine most common food allergens). */
public enum Allergen {
    PEANUTS("peanuts"),
    TREE_NUTS("tree-nuts"),
    MILK("milk"),
    EGGS("eggs"),
    FISH("fish"),
    SHELLFISH("shellfish"),
    SOY("soy"),
    WHEAT("wheat"),
    SESAME("sesame");

    private final String value;

    Allergen(String value) {
        this.value = value;
    }

    @JsonValue
    public String value() {
        return value;
    }

    @JsonCreator
    public static Allergen of(String value) {
        return EnumValues.parse(Allergen.class, value, Allergen::value);
    }
}
