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
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web client in a real headless Chromium, served from one origin and calling the api on another:
 * allowed by CORS_ORIGINS, the whole flow works, live status included; from an origin that is not
 * allowed the browser blocks the calls. Needs Debian's chromium and chromium-driver (.ci/run installs them).
 */
class BrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private static SystemUnderTest system;
    private WebDriver browser;
    private Path profile;

    @BeforeAll
    static void startSystem() throws Exception {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("This test needs " + CHROMIUM + " and " + CHROMEDRIVER
                    + ": apt-get install chromium chromium-driver (as .ci/run does)");
        }
        system = SystemUnderTest.get();
    }

    @BeforeEach
    void openBrowser() throws Exception {
        profile = Files.createTempDirectory("chromium-profile");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1280,2400", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
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
        wait.until(d -> d.findElement(By.id("status")).getText().equals("SUCCEEDED")
                && d.findElement(By.id("menu-section")).isDisplayed()
                && !d.findElements(By.cssSelector("#shopping-list li")).isEmpty());

        assertThat(browser.findElements(By.cssSelector("#days-view .day"))).hasSize(2);
        assertThat(browser.findElements(By.cssSelector("#days-view .meal"))).hasSize(6);
        assertThat(browser.findElement(By.id("error")).isDisplayed()).isFalse();
        // the status arrived over the SSE stream: the page counted its events
        Object events = ((org.openqa.selenium.JavascriptExecutor) browser)
                .executeScript("return Number(document.body.dataset.events || 0)");
        assertThat(((Number) events).intValue()).isGreaterThanOrEqualTo(2);
        // the days were shown as they arrived, before the whole menu
        Object daysBeforeMenu = ((org.openqa.selenium.JavascriptExecutor) browser)
                .executeScript("return Number(document.body.dataset.daysBeforeMenu || 0)");
        assertThat(((Number) daysBeforeMenu).intValue()).isEqualTo(2);

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

    private void signUp() {
        browser.findElement(By.id("email")).sendKeys("browser-" + UUID.randomUUID() + "@example.com");
        browser.findElement(By.id("password")).sendKeys("correct horse battery");
        browser.findElement(By.id("register")).click();
    }
}
