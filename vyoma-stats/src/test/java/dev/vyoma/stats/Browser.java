package dev.vyoma.stats;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium driven through chromedriver, both Debian's (bin/test installs them): a fresh profile per run, no
 * network of its own beyond the pages it is sent to. Paths from {@code CHROMIUM} and {@code CHROMEDRIVER} when set.
 */
record Browser(ChromeDriver driver) implements AutoCloseable {
    static Browser start(Path profile) throws java.io.IOException {
        String chromium = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");
        String chromedriver = System.getenv().getOrDefault("CHROMEDRIVER", "/usr/bin/chromedriver");
        for (String f : new String[] {chromium, chromedriver}) {
            if (!Files.isExecutable(Path.of(f))) {
                throw new IllegalStateException(
                        f + " is missing: the browser tests need Debian's chromium and"
                                + " chromium-driver (bin/test installs them when run as root), or CHROMIUM and CHROMEDRIVER set");
            }
        }
        Files.createDirectories(profile);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--window-size=1280,1000",
                "--user-data-dir=" + profile.toAbsolutePath());
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(chromedriver))
                .usingAnyFreePort()
                .build();
        return new Browser(new ChromeDriver(service, options));
    }

    @Override
    public void close() {
        driver.quit();
    }
}
