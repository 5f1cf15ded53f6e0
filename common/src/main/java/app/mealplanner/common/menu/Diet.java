package app.mealplanner.common.menu;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** A diet a menu must follow; the JSON value is the lowercase, hyphenated name. */
public enum Diet {
    OMNIVORE("omnivore"),
    VEGETARIAN("vegetarian"),
    VEGAN("vegan"),
    PESCATARIAN("pescatarian"),
    KETO("keto"),
    PALEO("paleo"),
    GLUTEN_FREE("gluten-free");

    private final String value;

    Diet(String value) {
        this.value = value;
    }

    @JsonValue
    public String value() {
        return value;
    }

    @JsonCreator
    public static Diet of(String value) {
        return EnumValues.parse(Diet.class, value, Diet::value);
    }
}
