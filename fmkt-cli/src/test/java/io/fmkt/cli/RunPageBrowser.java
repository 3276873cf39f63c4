package io.fmkt.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The eval-service's run page in a real browser: Debian's {@code chromium} driven by its
 * {@code chromium-driver} through Selenium, headless, with a fresh profile and Chromium's background
 * networking off (this machine reaches no outside host). Keeps every console message and every request
 * the page makes, so a test can say that none failed and none left the service's origin.
 */
final class RunPageBrowser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** Set (as .ci/run does) where the browser test must run: a missing browser then fails instead of skipping. */
    static final String REQUIRED = "FMKT_BROWSER_REQUIRED";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A request the page made and the status it got (null: no response seen). */
    record Request(String url, Integer status) {
    }

    private final ChromeDriver driver;
    private final List<LogEntry> console = new ArrayList<>();
    private final Map<String, Request> requests = new LinkedHashMap<>(); // by DevTools request id

    /** Skips the calling test, saying why, when this machine has no Chromium; fails instead under {@link #REQUIRED}. */
    static void assumeChromium() {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        String why = "skipped: no Chromium here (" + CHROMIUM + " and " + CHROMEDRIVER + "; Debian packages chromium"
                + " chromium-driver, which .ci/run installs)";
        if (!present && "1".equals(System.getenv(REQUIRED))) {
            Assertions.fail(REQUIRED + "=1 but " + why.substring("skipped: ".length()));
        }
        Assumptions.assumeTrue(present, why);
    }

    RunPageBrowser(Path profile) {
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile()).addArguments("--headless",
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1280,1400", "--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        logs.enable(LogType.PERFORMANCE, Level.ALL); // DevTools' network events: every request and its status
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
    }

    void open(String url) {
        driver.get(url);
    }

    /** Until {@code condition} holds (the page updates itself every few seconds); fails after {@code timeout}. */
    void await(Duration timeout, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                Assertions.fail("the page did not get there within " + timeout + "; it shows:\n"
                        + driver.findElement(By.tagName("body")).getText());
            }
            Thread.sleep(200);
        }
    }

    /** Elements to act on (click, type): look them up right before, the page replaces what it updates. */
    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /**
     * The text of every element matching {@code css}, read in one script run: the page redraws every few
     * seconds, and an element found in one call may be gone in the next.
     */
    List<String> texts(String css) {
        return strings("return Array.from(document.querySelectorAll(arguments[0])).map(e => e.textContent)", css);
    }

    /** An attribute of every element matching {@code css} (null where absent), in one script run. */
    List<String> attributes(String css, String name) {
        return strings("return Array.from(document.querySelectorAll(arguments[0])).map(e => e.getAttribute(arguments[1]))",
                css, name);
    }

    /** The rows of a table as CSV lines, cells joined by commas, as the page shows them. */
    List<String> rows(String tableId) {
        return strings("return Array.from(document.querySelectorAll('#' + arguments[0] + ' tbody tr'))"
                + ".map(tr => Array.from(tr.cells).map(td => td.textContent).join(','))", tableId);
    }

    @SuppressWarnings("unchecked")
    private List<String> strings(String script, Object... args) {
        return (List<String>) driver.executeScript(script, args);
    }

    Object script(String script) {
        return driver.executeScript(script);
    }

    byte[] screenshot() {
        return driver.getScreenshotAs(OutputType.BYTES);
    }

    /** Console messages so far (every level). */
    List<LogEntry> console() {
        drain();
        return List.copyOf(console);
    }

    /** Every request the page made so far, with its response status. */
    List<Request> requests() {
        drain();
        return List.copyOf(requests.values());
    }

    private void drain() {
        driver.manage().logs().get(LogType.BROWSER).forEach(console::add);
        for (LogEntry e : driver.manage().logs().get(LogType.PERFORMANCE)) {
            try {
                JsonNode m = JSON.readTree(e.getMessage()).path("message");
                String method = m.path("method").asText();
                JsonNode p = m.path("params");
                if (method.equals("Network.requestWillBeSent")) {
                    requests.putIfAbsent(p.path("requestId").asText(), new Request(p.path("request").path("url").asText(),
                            null));
                } else if (method.equals("Network.responseReceived")) {
                    requests.computeIfPresent(p.path("requestId").asText(), (id, r) -> new Request(r.url(),
                            p.path("response").path("status").asInt()));
                }
            } catch (IOException bad) {
                throw new UncheckedIOException(bad);
            }
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
