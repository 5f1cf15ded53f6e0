package app.mealplanner.deploy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import app.mealplanner.common.local.EmbeddedDatabase;

/**
 * What a person planning their week sees, in a real headless Chromium against the real api and worker
 * (the fake model writes menus day by day at 60 tokens per second), with the page served by the api's own
 * origin and from a second allowed origin, both through {@link FaultyProxy}, which stands where an ingress
 * would and fails the way one does when a test asks it to.
 */
class WebPageTest {

    /** Where the page comes from; either way it talks to the api through the proxy. */
    enum PageOrigin {
        /** The api's origin (the proxy keeps the Host, as an ingress does). */
        SAME,
        /** Another origin, allowed by the api's CORS_ORIGINS and listed in that site's config.json. */
        OTHER
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration MENU_TIME = Duration.ofSeconds(90);
    private static final String PASSWORD = "correct horse battery";

    private static SystemUnderTest system;
    private Chromium chromium;
    private WebDriver browser;

    @BeforeAll
    static void startSystem() throws Exception {
        Chromium.requireInstalled();
        system = SystemUnderTest.get();
    }

    @AfterEach
    void closeBrowser() {
        system.proxy.heal();
        if (chromium != null) {
            chromium.close();
        }
    }

    @ParameterizedTest
    @EnumSource(PageOrigin.class)
    void shouldShowEachDayAsItIsWrittenThenTheMenuWithStepsAndAWarningForAnUnknownCuisine(PageOrigin origin)
            throws Exception {
        open(origin, 1280, 900);
        signUp();
        plan(3, List.of("lunch", "dinner"), "klingon");

        AtomicBoolean dayBeforeReady = new AtomicBoolean();
        new WebDriverWait(browser, MENU_TIME).pollingEvery(Duration.ofMillis(100)).until(d -> {
            String status = text("status");
            if (status.startsWith("Writing day") && !d.findElements(By.cssSelector("#days-view .day")).isEmpty()) {
                dayBeforeReady.set(true);
            }
            return menuReady(d);
        });
        assertThat(dayBeforeReady).as("a day shown while the status said the menu was still being written").isTrue();
        assertThat(text("status")).isEqualTo("Ready");
        assertThat(browser.findElements(By.cssSelector("#days-view .day"))).hasSize(3);

        // every recipe's steps, folded until asked for
        JsonNode menu = latestMenu(token());
        List<WebElement> steps = browser.findElements(By.cssSelector("#days-view details.steps"));
        assertThat(steps).hasSize(6);
        WebElement firstSteps = steps.get(0).findElement(By.cssSelector("ol li"));
        assertThat(firstSteps.isDisplayed()).isFalse();
        steps.get(0).findElement(By.tagName("summary")).click();
        List<String> shown = steps.get(0).findElements(By.cssSelector("ol li")).stream().map(WebElement::getText).toList();
        List<String> written = Stream.of(JSON.treeToValue(menu.at("/days/0/meals/0/recipe/steps"), String[].class)).toList();
        assertThat(shown).isNotEmpty().isEqualTo(written);

        // the ingredients as a cook reads them, as the worker wrote them: "½ onion", not "0.5 piece onion"
        String ingredientLine = browser.findElements(By.cssSelector("#days-view .meal")).get(0)
                .findElements(By.cssSelector(".meta")).get(1).getText();
        List<String> texts = new java.util.ArrayList<>();
        menu.at("/days/0/meals/0/recipe/ingredients").forEach(i -> texts.add(i.path("text").asText()));
        assertThat(texts).isNotEmpty().allSatisfy(t -> assertThat(t).isNotBlank());
        assertThat(ingredientLine).isEqualTo(String.join(", ", texts)).doesNotContain("piece");

        assertThat(browser.findElements(By.cssSelector("#warnings li"))).extracting(WebElement::getText)
                .anySatisfy(w -> assertThat(w).contains("\"klingon\""));
        // the menu was brought into view
        await().atMost(Duration.ofSeconds(5)).until(() -> Boolean.TRUE.equals(js(
                "const r = document.getElementById('menu-section').getBoundingClientRect(); return r.top < innerHeight && r.bottom > 0 && scrollY > 0")));
        assertThat(browser.findElement(By.id("error")).isDisplayed()).isFalse();
        screenshot(origin, "menu-1280.png");
    }

    @ParameterizedTest
    @EnumSource(PageOrigin.class)
    void shouldListMyMenusAndReopenOneAfterAReload(PageOrigin origin) throws Exception {
        open(origin, 1280, 1000);
        String email = signUp();
        plan(1, List.of("lunch"), "");
        awaitMenu();
        String recipe = browser.findElement(By.cssSelector("#days-view .meal h4")).getText();

        browser.navigate().refresh();
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.findElements(By.cssSelector("#menus-list li")).size() == 1
                && d.findElement(By.id("menu-section")).isDisplayed());
        assertThat(browser.findElement(By.cssSelector("#days-view .meal h4")).getText()).isEqualTo(recipe);

        // a new session knows nothing of the open menu: the list brings it back
        browser.findElement(By.id("logout")).click();
        browser.findElement(By.id("email")).sendKeys(email);
        browser.findElement(By.id("password")).sendKeys(PASSWORD);
        browser.findElement(By.id("login")).click();
        WebElement row = new WebDriverWait(browser, Duration.ofSeconds(20))
                .until(d -> d.findElements(By.cssSelector("#menus-list li")).stream().findFirst().orElse(null));
        assertThat(row.getText()).contains("1 day").contains("lunch");
        assertThat(browser.findElement(By.id("menu-section")).isDisplayed()).isFalse();
        screenshot(origin, "my-menus-1280.png");
        row.findElement(By.cssSelector("button.open")).click();
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.findElement(By.id("menu-section")).isDisplayed());
        assertThat(browser.findElement(By.cssSelector("#days-view .meal h4")).getText()).isEqualTo(recipe);

        String menuId = row.getAttribute("data-menu-id");
        row.findElement(By.cssSelector("button.delete")).click();
        browser.switchTo().alert().accept();
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.findElements(By.cssSelector("#menus-list li")).isEmpty()
                && !d.findElement(By.id("menu-section")).isDisplayed());
        given().baseUri(system.api.baseUrl()).auth().oauth2(token()).get("/api/menus/" + menuId).then().statusCode(404);
    }

    /** An event stream that ends after its first event (an ingress's timeout): the page still shows every day once. */
    @Test
    void shouldShowTheWholeMenuWhenTheEventStreamIsCutMidWay() throws Exception {
        open(PageOrigin.SAME, 1280, 1000);
        signUp();
        system.proxy.fail("GET", "/events", FaultyProxy.Fault.CUT_STREAM, 1);
        plan(3, List.of("lunch", "dinner"), "");
        awaitMenu();

        assertThat(text("status")).isEqualTo("Ready");
        JsonNode menu = latestMenu(token());
        assertThat(browser.findElements(By.cssSelector("#days-view .day"))).extracting(d -> d.getAttribute("data-day"))
                .containsExactly("1", "2", "3");
        assertThat(browser.findElements(By.cssSelector("#days-view .meal h4"))).extracting(WebElement::getText)
                .hasSize(6).first().asString().endsWith(menu.at("/days/0/meals/0/recipe/name").asText());
        // the cut stream was followed by something that carried the rest: a new stream or polling
        List<FaultyProxy.Request> after = system.proxy.requests().stream()
                .filter(r -> r.path().contains("/events?") || r.method().equals("GET") && r.path().matches("/api/jobs/[^/?]+"))
                .toList();
        assertThat(after).as("requests for the job's progress").hasSizeGreaterThan(1);
        assertThat(browser.findElement(By.id("error")).isDisplayed()).isFalse();
    }

    /** The list shows ten menus at a time; the rest come a page at a time, newest first, none twice. */
    @Test
    void shouldShowOlderMenusAPageAtATime() throws Exception {
        open(PageOrigin.SAME, 1280, 1000);
        signUp();
        plan(1, List.of("lunch"), "");
        awaitMenu();
        String token = token();
        UUID written = UUID.fromString(latestMenu(token).get("id").asText());
        // eleven older menus of the same user: copies of the one just written, a minute apart
        try (Connection c = DriverManager.getConnection(system.database.jdbcUrl(), EmbeddedDatabase.USER,
                EmbeddedDatabase.PASSWORD)) {
            for (int minutes = 1; minutes <= 11; minutes++) {
                copyAsOlder(c, written, minutes);
            }
        }
        List<String> all = given().baseUri(system.api.baseUrl()).auth().oauth2(token).get("/api/menus?limit=50")
                .then().statusCode(200).extract().jsonPath().getList("items.id", String.class);
        assertThat(all).hasSize(12).first().isEqualTo(written.toString());

        browser.navigate().refresh();
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.findElements(By.cssSelector("#menus-list li")).size() == 10
                && d.findElement(By.id("menus-more")).isDisplayed());
        assertThat(menuRows()).isEqualTo(all.subList(0, 10));

        browser.findElement(By.id("menus-more")).click();
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.findElements(By.cssSelector("#menus-list li")).size() == 12);
        assertThat(menuRows()).isEqualTo(all);
        assertThat(browser.findElement(By.id("menus-more")).isDisplayed()).as("nothing older left").isFalse();
    }

    private List<String> menuRows() {
        return browser.findElements(By.cssSelector("#menus-list li")).stream().map(li -> li.getAttribute("data-menu-id"))
                .toList();
    }

    /** The table's columns that are not generated (a generated one takes no value). */
    private static String storedColumns(Statement s, String table) throws SQLException {
        try (var rs = s.executeQuery("select string_agg(quote_ident(column_name), ', ' order by ordinal_position) "
                + "from information_schema.columns where table_schema = current_schema() and table_name = '" + table
                + "' and is_generated = 'NEVER'")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** A copy of menu {@code id} (and its job) for the same user, {@code minutes} older. */
    private static void copyAsOlder(Connection c, UUID id, int minutes) throws SQLException {
        UUID job = UUID.randomUUID();
        UUID menu = UUID.randomUUID();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("create temp table m on commit drop as select * from menu where id = '" + id + "'");
            s.execute("create temp table j on commit drop as select * from menu_job where id = (select job_id from m)");
            s.execute("update j set id = '" + job + "', menu_id = null, idempotency_key = null, created_at = created_at - interval '"
                    + minutes + " minutes'");
            s.execute("update m set id = '" + menu + "', job_id = '" + job + "', created_at = created_at - interval '"
                    + minutes + " minutes'");
            s.execute("insert into menu_job (" + storedColumns(s, "menu_job") + ") select " + storedColumns(s, "menu_job") + " from j");
            s.execute("insert into menu (" + storedColumns(s, "menu") + ") select " + storedColumns(s, "menu") + " from m");
            s.execute("update menu_job set menu_id = '" + menu + "' where id = '" + job + "'");
        }
        c.commit();
        c.setAutoCommit(true);
    }

    @ParameterizedTest
    @EnumSource(PageOrigin.class)
    void shouldClearTheScreenOnLogOut(PageOrigin origin) throws Exception {
        open(origin, 1280, 1000);
        signUp();
        plan(1, List.of("lunch"), "");
        awaitMenu();

        browser.findElement(By.id("logout")).click();

        assertThat(browser.findElement(By.id("auth-section")).isDisplayed()).isTrue();
        assertThat(browser.findElement(By.id("email")).getAttribute("value")).isEmpty();
        assertThat(browser.findElement(By.id("password")).getAttribute("value")).isEmpty();
        assertThat(text("who")).isEmpty();
        for (String section : List.of("request-section", "status-section", "menu-section", "menus-section", "error", "logout")) {
            assertThat(browser.findElement(By.id(section)).isDisplayed()).as(section).isFalse();
        }
        assertThat(js("return document.getElementById('status').textContent")).isEqualTo("–");
        assertThat(browser.findElements(By.cssSelector("#days-view *, #shopping-list *, #menus-list *"))).isEmpty();
        assertThat(js("return sessionStorage.length")).isEqualTo(0L);
    }

    @ParameterizedTest
    @EnumSource(PageOrigin.class)
    void shouldMakeOneJobFromADoubleClick(PageOrigin origin) throws Exception {
        open(origin, 1280, 1000);
        signUp();
        String token = token();
        fillIn(1, List.of("lunch"), "");

        new Actions(browser).doubleClick(browser.findElement(By.id("submit"))).perform();
        awaitMenu();

        assertThat(menuPosts(token)).hasSize(1);
        assertThat(jobsOf(token)).isEqualTo(1);
        assertThat(browser.findElement(By.id("error")).isDisplayed()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(PageOrigin.class)
    void shouldSendTheSameIdempotencyKeyWhenTheAnswerWasLostOnTheWay(PageOrigin origin) throws Exception {
        open(origin, 1280, 1000);
        signUp();
        String token = token();
        fillIn(1, List.of("lunch"), "");
        // the api accepts the request, the proxy loses its answer and shows its own HTML error page
        system.proxy.fail("POST", "/api/menus", FaultyProxy.Fault.LOSE_ANSWER, 1);
        browser.findElement(By.id("submit")).click();
        WebElement error = new WebDriverWait(browser, Duration.ofSeconds(20))
                .until(d -> d.findElement(By.id("error")).isDisplayed() ? d.findElement(By.id("error")) : null);
        assertThat(error.getText()).contains("not reachable right now").contains("502").doesNotContain("JSON");

        browser.findElement(By.id("submit")).click();
        awaitMenu();

        List<FaultyProxy.Request> posts = menuPosts(token);
        assertThat(posts).hasSize(2);
        assertThat(posts.get(0).header("Idempotency-Key")).isNotBlank().isEqualTo(posts.get(1).header("Idempotency-Key"));
        assertThat(jobsOf(token)).isEqualTo(1);
        assertThat(browser.findElement(By.id("error")).isDisplayed()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(PageOrigin.class)
    void shouldPollWhenTheEventsTicketFails(PageOrigin origin) throws Exception {
        open(origin, 1280, 1000);
        signUp();
        String token = token();
        system.proxy.failAlways("POST", "/events-ticket", FaultyProxy.Fault.REFUSE);
        plan(1, List.of("lunch"), "");

        awaitMenu();
        assertThat(text("live-note")).contains("Live updates are not available");
        List<FaultyProxy.Request> polls = system.proxy.requests().stream()
                .filter(r -> r.method().equals("GET") && r.path().startsWith("/api/jobs/"))
                .filter(r -> ("Bearer " + token).equals(r.header("Authorization"))).toList();
        assertThat(polls).hasSizeGreaterThan(1);
        assertThat(polls.subList(1, polls.size())).allSatisfy(r -> assertThat(r.header("If-None-Match")).startsWith("\""));
        String job = polls.get(0).path();
        assertThat(system.proxy.requests()).noneSatisfy(r -> assertThat(r.path()).startsWith(job + "/events?"));
    }

    @ParameterizedTest
    @EnumSource(PageOrigin.class)
    void shouldReturnToSignInWhenTheTokenHasExpired(PageOrigin origin) throws Exception {
        open(origin, 1280, 1000);
        String email = signUp();
        String subject = JSON.readTree(Base64.getUrlDecoder().decode(token().split("\\.")[1])).get("sub").asText();
        js("sessionStorage.setItem('token', arguments[0])", expiredToken(subject));

        browser.navigate().refresh();

        new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.findElement(By.id("auth-section")).isDisplayed()
                && d.findElement(By.id("notice")).isDisplayed());
        assertThat(text("notice")).contains("expired").contains("sign in");
        assertThat(browser.findElement(By.id("request-section")).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.id("email")).getAttribute("value")).isEqualTo(email);
        assertThat(js("return sessionStorage.getItem('token')")).isNull();
    }

    @ParameterizedTest
    @EnumSource(PageOrigin.class)
    void shouldFitA360PixelWideScreen(PageOrigin origin) throws Exception {
        open(origin, 360, 780);
        assertThat(js("return innerWidth")).isEqualTo(360L);
        assertNoHorizontalScroll("sign-in");
        signUp("a.rather.long.name-" + UUID.randomUUID() + "@example.com");
        assertNoHorizontalScroll("the request form");
        WebElement logout = browser.findElement(By.id("logout"));
        assertThat(logout.getRect().getX() + logout.getRect().getWidth()).isLessThanOrEqualTo(360);

        plan(1, List.of("lunch", "dinner"), "");
        awaitMenu();
        browser.findElements(By.cssSelector("#days-view details.steps summary")).get(0).click();
        assertNoHorizontalScroll("the menu");
        screenshot(origin, "menu-360.png");
        js("document.getElementById('menus-section').scrollIntoView()");
        assertNoHorizontalScroll("my menus");
        screenshot(origin, "my-menus-360.png");
    }

    @ParameterizedTest
    @EnumSource(PageOrigin.class)
    void shouldDownloadTheMenuAndTheShoppingListAndPrintThem(PageOrigin origin) throws Exception {
        open(origin, 1280, 1000);
        signUp();
        plan(1, List.of("lunch", "dinner"), "");
        awaitMenu();
        String token = token();
        String menuId = latestMenu(token).get("id").asText();

        browser.findElement(By.id("export-markdown")).click();
        browser.findElement(By.id("export-csv")).click();
        browser.findElement(By.id("export-text")).click();

        Map<String, String> expected = Map.of(
                "md", export(token, "/api/menus/" + menuId, "text/markdown"),
                "csv", export(token, "/api/menus/" + menuId + "/shopping-list", "text/csv"),
                "txt", export(token, "/api/menus/" + menuId + "/shopping-list", "text/plain"));
        await().atMost(Duration.ofSeconds(20)).until(() -> downloaded().size() == 3);
        for (Path file : downloaded()) {
            String name = file.getFileName().toString();
            String extension = name.substring(name.lastIndexOf('.') + 1);
            assertThat(name).as("named as the api names it").contains(menuId.substring(0, 8));
            assertThat(Files.readString(file, StandardCharsets.UTF_8)).as(name).isEqualTo(expected.get(extension));
        }
        assertThat(expected.get("csv")).startsWith("name,quantity,unit,plus,category,pantry,days,text\r\n");

        // printed: the menu and the list, none of the page around them
        chromium.driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("media", "print"));
        for (String hidden : List.of("exports", "request-section", "status-section", "menus-section", "logout")) {
            assertThat(browser.findElement(By.id(hidden)).isDisplayed()).as(hidden).isFalse();
        }
        assertThat(browser.findElement(By.id("days-view")).isDisplayed()).isTrue();
        assertThat(browser.findElement(By.id("shopping-list")).isDisplayed()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(PageOrigin.class)
    void shouldSayWhatWentWrongInPlainWords(PageOrigin origin) throws Exception {
        open(origin, 1280, 1000);
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> d.findElement(By.id("auth-section")).isDisplayed());
        browser.findElement(By.id("email")).sendKeys("plain-" + UUID.randomUUID() + "@example.com");
        browser.findElement(By.id("password")).sendKeys("x".repeat(80));
        browser.findElement(By.id("register")).click();
        WebElement error = new WebDriverWait(browser, Duration.ofSeconds(20))
                .until(d -> d.findElement(By.id("error")).isDisplayed() ? d.findElement(By.id("error")) : null);
        assertThat(error.findElement(By.tagName("strong")).getText()).isEqualTo("Invalid request");
        assertThat(error.findElements(By.tagName("li"))).extracting(WebElement::getText).singleElement().asString()
                .startsWith("Password: ");
        assertThat(error.getText()).doesNotContain("The request has invalid fields");

        // a proxy's HTML error page instead of the api's answer
        system.proxy.fail("POST", "/api/auth/register", FaultyProxy.Fault.REFUSE, 1);
        browser.findElement(By.id("password")).clear();
        browser.findElement(By.id("password")).sendKeys(PASSWORD);
        browser.findElement(By.id("register")).click();
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.findElement(By.id("error")).getText().contains("502"));
        assertThat(text("error")).startsWith("The service is not reachable right now").doesNotContain("JSON");
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    private void open(PageOrigin origin, int width, int height) throws IOException {
        chromium = new Chromium(width, height);
        browser = chromium.driver;
        browser.get(origin == PageOrigin.SAME ? system.proxy.origin() + "/"
                : system.allowedSite.origin() + "/index.html?api=" + system.proxy.origin());
    }

    private String signUp() {
        return signUp("page-" + UUID.randomUUID() + "@example.com");
    }

    private String signUp(String email) {
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> d.findElement(By.id("auth-section")).isDisplayed());
        browser.findElement(By.id("email")).sendKeys(email);
        browser.findElement(By.id("password")).sendKeys(PASSWORD);
        browser.findElement(By.id("register")).click();
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.findElement(By.id("request-section")).isDisplayed());
        return email;
    }

    private void fillIn(int days, List<String> meals, String cuisines) {
        browser.findElement(By.id("days")).clear();
        browser.findElement(By.id("days")).sendKeys(String.valueOf(days));
        for (String meal : List.of("breakfast", "lunch", "dinner", "snack")) {
            WebElement box = browser.findElement(By.id("meals-" + meal));
            if (box.isSelected() != meals.contains(meal)) {
                box.click();
            }
        }
        browser.findElement(By.id("cuisines")).clear();
        browser.findElement(By.id("cuisines")).sendKeys(cuisines);
    }

    private void plan(int days, List<String> meals, String cuisines) {
        fillIn(days, meals, cuisines);
        browser.findElement(By.id("submit")).click();
    }

    private void awaitMenu() {
        new WebDriverWait(browser, MENU_TIME).until(WebPageTest::menuReady);
    }

    /** The whole menu is on screen (its shopping list comes with it, never with a live day). */
    private static boolean menuReady(WebDriver d) {
        return d.findElement(By.id("menu-section")).isDisplayed() && !d.findElements(By.cssSelector("#shopping-list li")).isEmpty();
    }

    private String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    private String token() {
        return (String) js("return sessionStorage.getItem('token')");
    }

    private void assertNoHorizontalScroll(String where) {
        assertThat((Long) js("return document.scrollingElement.scrollWidth"))
                .as("page width at " + where).isLessThanOrEqualTo((Long) js("return innerWidth"));
    }

    private static JsonNode latestMenu(String token) throws IOException {
        String id = given().baseUri(system.api.baseUrl()).auth().oauth2(token).get("/api/menus?limit=1")
                .then().statusCode(200).extract().path("items[0].id");
        return JSON.readTree(given().baseUri(system.api.baseUrl()).auth().oauth2(token).get("/api/menus/" + id)
                .then().statusCode(200).extract().asString());
    }

    private static int jobsOf(String token) {
        return given().baseUri(system.api.baseUrl()).auth().oauth2(token).get("/api/jobs")
                .then().statusCode(200).extract().path("items.size()");
    }

    private static List<FaultyProxy.Request> menuPosts(String token) {
        return system.proxy.requests().stream()
                .filter(r -> r.method().equals("POST") && r.path().equals("/api/menus"))
                .filter(r -> ("Bearer " + token).equals(r.header("Authorization"))).toList();
    }

    private static String export(String token, String path, String accept) {
        return given().baseUri(system.api.baseUrl()).auth().oauth2(token).accept(accept).get(path)
                .then().statusCode(200).extract().asString();
    }

    private List<Path> downloaded() throws IOException {
        try (Stream<Path> files = Files.list(chromium.downloads)) {
            return files.filter(f -> !f.getFileName().toString().endsWith(".crdownload")).toList();
        }
    }

    private void screenshot(PageOrigin origin, String name) throws IOException {
        if (origin != PageOrigin.SAME) {
            return;
        }
        Path target = AppProcess.repoRoot().resolve("deploy/target/screenshots").resolve(name);
        Files.createDirectories(target.getParent());
        Files.copy(chromium.driver.getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    }

    /** An access token for {@code subject} signed with the api's own key that expired ten minutes ago. */
    private static String expiredToken(String subject) throws Exception {
        String pem = Files.readString(system.keys.resolve("private.pem"));
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        long now = Instant.now().getEpochSecond();
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        String header = base64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String claims = base64.encodeToString(JSON.writeValueAsBytes(Map.of("iss", "smart-meal-planner",
                "aud", "meal-planner-api", "sub", subject, "groups", List.of("user"),
                "iat", now - 4200, "exp", now - 600)));
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(key);
        rsa.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
        return header + "." + claims + "." + base64.encodeToString(rsa.sign());
    }
}
