package app.mealplanner.common.job;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/** Stores a {@link Stage} as its wire value ({@code calling-model}), which is what the column's check allows. */
@Converter
public class StageConverter implements AttributeConverter<Stage, String> {

    @Override
    public String convertToDatabaseColumn(Stage stage) {
        return stage == null ? null : stage.value();
    }

    @Override
    public Stage convertToEntityAttribute(String value) {
        return value == null ? null : Stage.of(value);
    }
}
