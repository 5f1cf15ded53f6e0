package app.mealplanner.api.menu;

import java.util.List;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import app.mealplanner.common.menu.Menu;

/**
 * The shopping list as CSV (RFC 4180: a header row, CRLF line ends, quoting by Jackson's CSV writer).
 * Names may come from a model, so a text cell that a spreadsheet would read as a formula (its first
 * character one of = + - @, a tab, a carriage return or a NUL, as OWASP's CSV injection guidance lists)
 * starts with a single quote, which spreadsheets take as "this is text".
 */
final class ShoppingListCsv {

    private static final CsvMapper CSV = new CsvMapper();
    private static final CsvSchema SCHEMA = CsvSchema.builder()
            .addColumn("name").addColumn("quantity").addColumn("unit").addColumn("plus")
            .addColumn("category").addColumn("pantry").addColumn("days").addColumn("text")
            .setUseHeader(true).setLineSeparator("\r\n").build();
    /** Characters that make a spreadsheet read a cell as a formula, with their full-width forms. */
    private static final String FORMULA_START = "=+-@\t\r\u0000\uFF1D\uFF0B\uFF0D\uFF20";

    record Row(String name, String quantity, String unit, String plus, String category, String pantry, String days,
            String text) {
    }

    private ShoppingListCsv() {
    }

    static String of(Menu menu) {
        List<Row> rows = menu.shoppingList().stream().map(item -> new Row(cell(item.name()),
                Menu.Amount.number(item.quantity()), cell(item.unit()),
                cell(item.plus().stream().map(a -> Menu.Amount.number(a.quantity()) + " " + a.unit())
                        .collect(Collectors.joining(" + "))),
                cell(item.category()), String.valueOf(item.pantry()),
                item.days().stream().map(String::valueOf).collect(Collectors.joining(", ")), cell(item.text())))
                .toList();
        try {
            return CSV.writer(SCHEMA).writeValueAsString(rows);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a shopping list always writes as CSV", e);
        }
    }

    /** The text as a spreadsheet shows it, never as a formula. */
    static String cell(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String visible = text.stripLeading();
        boolean formula = FORMULA_START.indexOf(text.charAt(0)) >= 0
                || !visible.isEmpty() && FORMULA_START.indexOf(visible.charAt(0)) >= 0;
        return formula ? "'" + text : text;
    }
}
