package app.mealplanner.common.job;

import com.fasterxml.jackson.annotation.JsonValue;

/** Where a running job is; stored and served as the lowercase value. */
public enum Stage {
    QUEUED("queued"),
    PLANNING("planning"),
    CALLING_MODEL("calling-model"),
    VALIDATING("validating"),
    SAVING("saving"),
    DONE("done");

    private final String value;

    Stage(String value) {
        this.value = value;
    }

    @JsonValue
    public String value() {
        return value;
    }

    public static Stage of(String value) {
        for (Stage stage : values()) {
            if (stage.value.equals(value)) {
                return stage;
            }
        }
        throw new IllegalArgumentException("unknown stage " + value);
    }
}
