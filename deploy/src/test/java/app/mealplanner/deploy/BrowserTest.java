package app.mealplanner.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web client in a real headless Chromium, served from one origin and calling the api on another:
 * allowed by CORS_ORIGINS, the whole flow works, live status included; from an origin that is not
 * allowed the browser blocks the calls. A link whose {@code ?api=} names any other origin gets nothing
 * from the page, and a stock EventSource stops once its job has finished. Needs Debian's chromium and
 * chromium-driver (.ci/run installs them).
 */
class BrowserTest {

    private static SystemUnderTest system;
    private Chromium chromium;
    private WebDriver browser;

    @BeforeAll
    static void startSystem() throws Exception {
        Chromium.requireInstalled();
        system = SystemUnderTest.get();
    }

    @BeforeEach
    void openBrowser() throws Exception {
        chromium = new Chromium(1280, 2400);
        browser = chromium.driver;
    }

    @AfterEach
    void closeBrowser() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @Test
    void shouldPlanAMenuFromAnAllowedOriginWatchingItLive() throws Exception {
        browser.get(system.allowedSite.origin() + "/index.html?api=" + system.api.baseUrl());
        signUp();
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.findElement(By.id("request-section")).isDisplayed());

        browser.findElement(By.id("days")).clear();
        browser.findElement(By.id("days")).sendKeys("2");
        browser.findElement(By.id("diet")).sendKeys("vegetarian");
        browser.findElement(By.id("allergies-peanuts")).click();
        browser.findElement(By.id("submit")).click();

        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(40));
        wait.until(d -> d.findElement(By.id("status")).getText().equals("Ready")
                && d.findElement(By.id("menu-section")).isDisplayed()
                && !d.findElements(By.cssSelector("#shopping-list li")).isEmpty());

        assertThat(browser.findElements(By.cssSelector("#days-view .day"))).hasSize(2);
        assertThat(browser.findElements(By.cssSelector("#days-view .meal"))).hasSize(6);
        assertThat(browser.findElement(By.id("error")).isDisplayed()).isFalse();
        // the live status and days over SSE, and the fallback to polling, are WebPageTest's

        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Path target = AppProcess.repoRoot().resolve("deploy/target/screenshots/menu.png");
        Files.createDirectories(target.getParent());
        Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(target)).isPositive();
    }

    @Test
    void shouldBeBlockedByTheBrowserFromAnOriginThatIsNotAllowed() {
        browser.get(system.refusedSite.origin() + "/index.html?api=" + system.api.baseUrl());
        signUp();

        WebElement error = new WebDriverWait(browser, Duration.ofSeconds(20))
                .until(d -> d.findElement(By.id("error")).isDisplayed() ? d.findElement(By.id("error")) : null);
        assertThat(error.getText()).contains("CORS");
        assertThat(browser.findElement(By.id("request-section")).isDisplayed()).isFalse();
    }

    @Test
    void shouldSendNoCredentialOrTokenToAnOriginThatACraftedLinkNames() throws Exception {
        try (RecordingOrigin elsewhere = new RecordingOrigin()) {
            // a user who has signed in on the api's own page…
            browser.get(system.api.baseUrl() + "/");
            signUp();
            new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.findElement(By.id("request-section")).isDisplayed());

            // …follows a link to the same page that names another api, with the token still in the tab
            browser.get(system.api.baseUrl() + "/?api=" + elsewhere.origin());
            pressEverythingThePageOffers();
            // a fresh visitor typing a password into the same link
            ((JavascriptExecutor) browser).executeScript("sessionStorage.clear()");
            browser.get(system.api.baseUrl() + "/?api=" + elsewhere.origin() + "/api");
            pressEverythingThePageOffers();

            new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> !elsewhere.requests().isEmpty()
                    || d.findElement(By.id("error")).isDisplayed());
            assertThat(elsewhere.requests()).isEmpty();
            assertThat(browser.findElement(By.id("error")).getText()).contains("config.json");
        }
    }

    @Test
    void shouldStopAStockEventSourceOnceItsJobHasFinished() {
        browser.get(system.api.baseUrl() + "/");
        JavascriptExecutor js = (JavascriptExecutor) browser;
        // the page's own script closes its stream after the final event; a stock EventSource that does not
        // reconnects 3 s later with the final version as Last-Event-ID, and must then stop for good
        js.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const json = (r) => r.json();
                const post = (path, body, token) => fetch(path, {method: 'POST', headers: Object.assign(
                    {'Content-Type': 'application/json'}, token ? {Authorization: 'Bearer ' + token} : {}),
                    body: body === undefined ? undefined : JSON.stringify(body)});
                const user = {email: 'stream-' + crypto.randomUUID() + '@example.com', password: 'correct horse battery'};
                (async () => {
                  await post('/api/auth/register', user);
                  const token = (await post('/api/auth/login', user).then(json)).accessToken;
                  const job = await post('/api/menus', {days: 1, meals: ['lunch'], diet: 'vegan'}, token).then(json);
                  let status = job.status;
                  while (!['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(status)) {
                    await new Promise((r) => setTimeout(r, 200));
                    status = (await fetch('/api/jobs/' + job.jobId, {headers: {Authorization: 'Bearer ' + token}})
                        .then(json)).status;
                  }
                  const ticket = (await post('/api/jobs/' + job.jobId + '/events-ticket', undefined, token).then(json)).url;
                  window.probe = {events: [], errors: 0};
                  const source = new EventSource(ticket);
                  window.probe.source = source;
                  source.addEventListener('status', (e) => window.probe.events.push(JSON.parse(e.data).status));
                  source.onerror = () => { window.probe.errors++; };
                  done(null);
                })().catch((e) => done(String(e)));
                """);
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> Boolean.TRUE.equals(
                js.executeScript("return window.probe.errors >= 2 && window.probe.source.readyState === 2")));
        assertThat(js.executeScript("return window.probe.events")).isEqualTo(java.util.List.of("SUCCEEDED"));
    }

    /** Clicks whatever the page shows: sign-up with a password typed in, or "Plan my menu" with a token. */
    private void pressEverythingThePageOffers() {
        WebElement auth = browser.findElement(By.id("auth-section"));
        WebElement request = browser.findElement(By.id("request-section"));
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> auth.isDisplayed() || request.isDisplayed()
                || d.findElement(By.id("error")).isDisplayed());
        if (auth.isDisplayed()) {
            signUp();
        }
        if (request.isDisplayed()) {
            browser.findElement(By.id("submit")).click();
        }
    }

    private void signUp() {
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> d.findElement(By.id("auth-section")).isDisplayed());
        browser.findElement(By.id("email")).sendKeys("browser-" + UUID.randomUUID() + "@example.com");
        browser.findElement(By.id("password")).sendKeys("correct horse battery");
        browser.findElement(By.id("register")).click();
    }
}
