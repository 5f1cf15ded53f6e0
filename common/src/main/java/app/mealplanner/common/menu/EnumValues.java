package app.mealplanner.common.menu;

import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Parses the JSON value of our enums, naming the allowed values when it fails. */
final class EnumValues {
    private EnumValues() {
    }

    static <E extends Enum<E>> E parse(Class<E> type, String value, Function<E, String> jsonValue) {
        for (E constant : type.getEnumConstants()) {
            if (jsonValue.apply(constant).equals(value)) {
                return constant;
            }
        }
        String allowed = Arrays.stream(type.getEnumConstants()).map(jsonValue).collect(Collectors.joining(", "));
        throw new IllegalArgumentException("must be one of: " + allowed);
    }
}
