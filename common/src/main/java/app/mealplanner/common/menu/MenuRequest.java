package app.mealplanner.common.menu;

import java.util.List;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.hibernate.validator.constraints.UniqueElements;

/**
 * What a user asks for (DESIGN §5). Absent lists become empty and absent servings become 2, so a stored
 * request always says exactly what was planned for. Excluded ingredients and cuisines are words (letters
 * of any script, digits, spaces and {@code - ' . &}): they reach the model as data, and nothing in them can
 * break out of it.
 */
public record MenuRequest(
        @NotNull @Min(1) @Max(14) Integer days,
        @NotEmpty @UniqueElements List<@NotNull MealType> meals,
        @NotNull Diet diet,
        @UniqueElements List<@NotNull Allergen> allergies,
        @Size(max = 20) List<@NotBlank @Size(max = 40) @Pattern(regexp = WORDS, message = WORDS_MESSAGE) String> excludeIngredients,
        @Min(1200) @Max(4500) Integer caloriesPerDay,
        @Min(1) @Max(12) Integer servings,
        @Size(max = 5) List<@NotBlank @Size(max = 40) @Pattern(regexp = WORDS, message = WORDS_MESSAGE) String> cuisines,
        @Min(5) @Max(240) Integer maxPrepMinutes,
        @Size(max = 500) String notes) {

    public static final int DEFAULT_SERVINGS = 2;
    /** The characters of a short free-text field: letters, marks, digits, spaces and - ' ’ . & */
    public static final String WORDS = "[\\p{L}\\p{M}\\p{N}][\\p{L}\\p{M}\\p{N} '’.&-]*";
    static final String WORDS_MESSAGE = "may contain only letters, digits, spaces and - ' . &";

    public MenuRequest {
        allergies = allergies == null ? List.of() : allergies;
        excludeIngredients = excludeIngredients == null ? List.of() : excludeIngredients;
        cuisines = cuisines == null ? List.of() : cuisines;
        servings = servings == null ? DEFAULT_SERVINGS : servings;
    }
}
