package io.herd.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through its chromedriver ({@code /usr/bin/chromium},
 * {@code /usr/bin/chromedriver}; {@code --no-sandbox} because CI runs as root), with the waits
 * the console's tests need: every wait is on a condition, re-reading the page because the
 * console redraws its tables as changes arrive.
 */
final class Browser implements AutoCloseable {

    static final String CHROMIUM = System.getProperty("herd.chromium", "/usr/bin/chromium");
    static final String CHROMEDRIVER = System.getProperty("herd.chromedriver", "/usr/bin/chromedriver");
    static final Duration WAIT = Duration.ofSeconds(60);

    final ChromeDriver driver;

    /** A browser window of this size in CSS pixels. */
    Browser(int width, int height) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=" + width + "," + height, "--force-device-scale-factor=1");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
    }

    void open(String url) {
        driver.get(url);
    }

    /** Waits until {@code condition} answers something other than null or false, ignoring redraws. */
    <T> T await(String what, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, WAIT).withMessage(what)
                .ignoring(StaleElementReferenceException.class).ignoring(NoSuchElementException.class)
                .until(condition);
    }

    WebElement find(By by) {
        return driver.findElement(by);
    }

    List<WebElement> findAll(By by) {
        return driver.findElements(by);
    }

    void type(String id, String text) {
        WebElement input = find(By.id(id));
        input.clear();
        input.sendKeys(text);
    }

    void choose(String id, String visibleText) {
        await("option " + visibleText + " in #" + id, d -> {
            new Select(d.findElement(By.id(id))).selectByVisibleText(visibleText);
            return true;
        });
    }

    /** The text of an element, re-read until it contains {@code expected}. */
    String awaitText(By by, String expected) {
        return await(by + " to contain '" + expected + "'", d -> {
            String text = d.findElement(by).getText();
            return text.contains(expected) ? text : null;
        });
    }

    /** Clicks a console delete button, then its confirmation. */
    void delete(String kind, String name) {
        await("the delete button of " + kind + " " + name, d -> {
            d.findElement(By.cssSelector("button[aria-label='Delete " + kind + " " + name + "']")).click();
            return true;
        });
        await("the confirmation of deleting " + kind + " " + name, d -> {
            d.findElement(By.cssSelector("button[aria-label='Confirm: delete " + kind + " " + name + "']")).click();
            return true;
        });
    }

    Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    void screenshot(Path to) throws IOException {
        Files.createDirectories(to.toAbsolutePath().getParent());
        Files.write(to, driver.getScreenshotAs(OutputType.BYTES));
    }

    @Override
    public void close() {
        driver.quit();
    }
}
