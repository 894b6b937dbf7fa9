package dev.vyoma.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vyoma.client.Keyring;
import dev.vyoma.client.VyomaClient;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.testkit.ContainerImages;
import dev.vyoma.testkit.Fixtures;
import java.io.File;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;

/**
 * The console in headless Chromium on a devnet started with {@code vyoma devnet --console}, whose providers run
 * containers: the web template deployed from the gallery, the cheapest bid picked, the URI opened, a log line
 * streamed, {@code hostname} run in the shell, the deployment closed, and the tenant charged exactly price × blocks
 * of the lease the chain recorded. On the way: an SDL with a mistake shows its line and column and posts nothing,
 * and every page is saved as a screenshot into docs/console/. No page ever carries the tenant's seed.
 */
class ConsoleBrowserTest {
    /** The web template's page, from an image built here (no registry is reachable): it names its host. */
    static final String WEB_IMAGE = "localhost/vyoma-test/console-web:1";

    @TempDir
    Path dir;

    private final List<String> pages = new ArrayList<>();

    @Test
    void deployTheWebTemplateFromTheGalleryAndPayExactlyPriceTimesBlocks() throws Exception {
        ContainerImages.withFiles(
                Files.createDirectories(dir.resolve("image")),
                WEB_IMAGE,
                List.<String[]>of(new String[] {"/www/.keep", ""}),
                List.of("CMD [\"sh\", \"-c\", \"echo \\\"<h1>web from $(hostname)</h1>\\\" > /www/index.html"
                        + " && exec httpd -f -vv -p 80 -h /www\"]"));
        int base = DevnetProcess.freeBlock(22);
        Path home = dir.resolve("devnet");
        // The screenshots go to docs/console only when asked (-Dconsole.screenshots=docs), so a test run leaves
        // the tree as it was.
        Path shots = Files.createDirectories(
                "docs".equals(System.getProperty("console.screenshots"))
                        ? Fixtures.repositoryRoot().resolve("docs/console")
                        : dir.resolve("screenshots"));
        try (DevnetProcess devnet = DevnetProcess.start(home, base, "--console");
                Browser browser = Browser.start(dir.resolve("profile"))) {
            ChromeDriver d = browser.driver();
            try {
                run(d, devnet, home, base, shots);
            } catch (Throwable t) {
                // What the browser showed when it failed, for the report.
                Path out = Path.of("target", "console-browser-failure");
                Files.createDirectories(out);
                Files.writeString(out.resolve("page.html"), d.getPageSource());
                Files.write(out.resolve("page.png"), d.getScreenshotAs(OutputType.BYTES));
                Files.writeString(out.resolve("devnet.log"), devnet.output());
                throw t;
            }
        }
        // No page the browser saw held the tenant's seed.
        String seed = Files.readString(home.resolve("keys/keyring-test/tenant.key.json"))
                .replaceAll("(?s).*\"seed\"\\s*:\\s*\"([0-9a-f]+)\".*", "$1");
        assertThat(seed).hasSize(64);
        assertThat(pages).hasSizeGreaterThan(10).allSatisfy(p -> assertThat(p).doesNotContain(seed));
    }

    private void run(ChromeDriver d, DevnetProcess devnet, Path home, int base, Path shots) throws Exception {
        {
            WebDriverWait wait = new WebDriverWait(d, Duration.ofSeconds(90));
            wait.ignoring(StaleElementReferenceException.class);
            String url = devnet.output()
                    .lines()
                    .filter(l -> l.startsWith("console"))
                    .map(l -> l.replaceAll("^console\\s+(\\S+).*$", "$1"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no console row:\n" + devnet.output()));
            assertThat(url).startsWith("http://127.0.0.1:" + (base + 21) + "/?token=");
            VyomaClient chain = new VyomaClient("http://127.0.0.1:" + base);
            Address tenant = Keyring.open(home.resolve("keys"), Keyring.Backend.TEST)
                    .show("tenant")
                    .address();
            long tenantBefore = chain.account(tenant).orElseThrow().balance("uusd");

            // Signed in by the printed URL; the accounts page lists the devnet's keys and balances.
            d.get(url);
            wait.until(x -> x.getCurrentUrl().endsWith("/accounts"));
            assertThat(text(d, "main")).contains("tenant", tenant.toString(), tenantBefore + " uusd");
            // The first Tab reaches the skip link: the page is usable from the keyboard.
            d.findElement(By.tagName("body")).sendKeys(Keys.TAB);
            assertThat(d.switchTo().activeElement().getText()).isEqualTo("Skip to content");
            shot(d, shots, "accounts");

            // The gallery: the web template goes to the editor.
            d.findElement(By.linkText("Templates")).click();
            wait.until(
                    x -> !x.findElements(By.cssSelector("a[data-template=web]")).isEmpty());
            shot(d, shots, "templates");
            d.findElement(By.cssSelector("a[data-template=web]")).click();
            wait.until(x -> x.getCurrentUrl().contains("/editor?template=web"));
            String template = d.findElement(By.id("sdl")).getAttribute("value");
            assertThat(template).contains("image: nginx:1.27-alpine");
            assertThat(text(d, "#check")).contains("Valid", "1000 uusd");

            // A mistake: its line and column, live as typed, and posting it creates nothing.
            String broken = template.replace("units: 0.5", "units: lots");
            int line = 1
                    + (int) broken.substring(0, broken.indexOf("units: lots"))
                            .chars()
                            .filter(c -> c == '\n')
                            .count();
            setSdl(d, broken);
            WebElement error = wait.until(x -> x.findElement(By.cssSelector("#errors .sdl-error")));
            assertThat(error.getAttribute("data-line")).isEqualTo(Integer.toString(line));
            assertThat(error.getText()).startsWith("line " + line + ", column 18");
            shot(d, shots, "editor-error");
            new org.openqa.selenium.support.ui.Select(d.findElement(By.id("from"))).selectByVisibleText("tenant");
            d.findElement(By.id("post")).click();
            wait.until(x -> text(x, "main").contains("nothing was posted"));
            assertThat(chain.getJson("/v1/deployments?owner=" + tenant)
                            .orElseThrow()
                            .path("items")
                            .size())
                    .isZero();

            // The template as it is, but for its image, which a provider here cannot pull: the one built above.
            setSdl(d, template.replace("image: nginx:1.27-alpine", "image: " + WEB_IMAGE));
            wait.until(x -> text(x, "#check").contains("Valid"));
            d.findElement(By.cssSelector("button[value=screen]")).click();
            wait.until(
                    x -> !x.findElements(By.cssSelector("#screening tbody tr")).isEmpty());
            assertThat(d.findElements(By.cssSelector("#screening tbody tr"))).hasSize(2);
            shot(d, shots, "editor");
            new org.openqa.selenium.support.ui.Select(d.findElement(By.id("from"))).selectByVisibleText("tenant");
            d.findElement(By.id("post")).click();

            // The bids arrive live; the cheapest is first, and taken.
            wait.until(x -> x.findElements(By.cssSelector("tr.bid")).size() == 2);
            shot(d, shots, "bids");
            List<BigDecimal> prices = d.findElements(By.cssSelector("tr.bid")).stream()
                    .map(r -> new BigDecimal(r.getAttribute("data-price")))
                    .toList();
            assertThat(prices).isSorted();
            String cheapest = d.findElements(By.cssSelector("tr.bid")).get(0).getAttribute("data-provider");
            wait.until(x -> {
                x.findElement(By.cssSelector("tr.bid[data-provider='" + cheapest + "'] button.accept"))
                        .click();
                return true;
            });
            WebElement open = wait.until(x -> x.findElement(By.id("open-deployment")));
            assertThat(text(d, "#progress")).contains("lease ", "manifest accepted", "ready 1/1");
            open.click();

            // The deployment: its URI, opened, serves the page from the container.
            WebElement uri = wait.until(x -> x.findElement(By.cssSelector("a.uri")));
            String href = uri.getAttribute("href");
            String deployment = d.getCurrentUrl();
            d.get(href);
            wait.until(x -> x.getPageSource().contains("web from web-0"));
            d.get(deployment);

            // A log line streams in (the request just made), and hostname runs in the shell.
            wait.until(x -> x.findElements(By.cssSelector("#logs .line")).stream()
                    .anyMatch(l -> l.getText().startsWith("[web-0]")));
            wait.until(x -> "open".equals(x.findElement(By.id("terminal")).getAttribute("data-state")));
            assertThat(text(d, "#escrow-balance")).endsWith("uusd");
            d.executeScript("window.scrollTo(0, 0)");
            shot(d, shots, "deployment");
            // Keys go to the terminal as a user's would once it has the focus (a click on it gives it; xterm.js's
            // layers intercept a click Selenium aims at them), then typing.
            d.executeScript("document.querySelector('#terminal .xterm-helper-textarea').focus()");
            new org.openqa.selenium.interactions.Actions(d)
                    .sendKeys("hostname" + Keys.ENTER)
                    .perform();
            wait.until(x -> terminalLines(x).contains("web-0"));
            shot(d, shots, "deployment-shell");

            // A top-up keeps it funded for 30 days: the deposit lands in escrow (and comes back at close but for
            // what the lease used).
            WebElement keep = d.findElement(By.id("keep"));
            keep.clear();
            keep.sendKeys("30d");
            d.findElement(By.cssSelector("form[action$='/topup'] button")).click();
            wait.until(x -> text(x, "main").contains("Top-up: deposited"));

            // An update with a new SDL (an env var more): the provider rolls it out, and the page still answers.
            String updated = d.findElement(By.id("update-sdl"))
                    .getAttribute("value")
                    .replace("image: " + WEB_IMAGE, "image: " + WEB_IMAGE + "\n    env: [V=2]");
            d.executeScript("document.getElementById('update-sdl').value = arguments[0]", updated);
            d.findElement(By.cssSelector("form[action$='/update'] button")).click();
            wait.until(x -> text(x, "main").contains("Updating deployment"));
            d.get(deployment + "/bids");
            wait.until(x -> text(x, "#progress").contains("runs the update: ready 1/1"));
            assertThat(DevnetProcess.rawGet(href.replaceFirst("^http://", "").replaceFirst("/$", "")))
                    .contains("web from web-0");

            // The other pages, then close.
            d.findElement(By.linkText("Providers")).click();
            wait.until(
                    x -> x.findElements(By.cssSelector("#providers tbody tr")).size() == 2);
            assertThat(text(d, "#providers")).contains("h100 80Gi sxm", "region=us-west", "tier=community");
            shot(d, shots, "providers");
            d.findElement(By.linkText("Network")).click();
            wait.until(x -> text(x, "main").contains("vyoma-devnet-1"));
            shot(d, shots, "network");
            d.findElement(By.linkText("Deployments")).click();
            wait.until(x -> !x.findElements(By.cssSelector("main table a")).isEmpty());
            shot(d, shots, "deployments");

            d.get(deployment);
            wait.until(x -> x.findElement(By.id("close"))).click();
            wait.until(x -> text(x, "#state").equals("closed"));
            assertThat(text(d, "main")).contains("is closed");

            // Exactly price × blocks of the lease the chain recorded left the tenant.
            JsonNode lease = chain.getJson("/v1/leases?owner=" + tenant)
                    .orElseThrow()
                    .path("items")
                    .get(0);
            assertThat(lease.path("id").path("provider").asString()).isEqualTo(cheapest);
            long blocks =
                    lease.path("closedAt").asLong() - lease.path("createdAt").asLong();
            long paid = new BigDecimal(lease.path("price").path("amount").asString())
                    .multiply(BigDecimal.valueOf(blocks))
                    .setScale(0, RoundingMode.DOWN)
                    .longValueExact();
            assertThat(blocks).isPositive();
            assertThat(tenantBefore - chain.account(tenant).orElseThrow().balance("uusd"))
                    .as(
                            "price %s × %d blocks",
                            lease.path("price").path("amount").asString(), blocks)
                    .isEqualTo(paid);

            // Readable at 200 % zoom: at half the width, no page scrolls sideways.
            d.manage().window().setSize(new org.openqa.selenium.Dimension(640, 900));
            for (String path : List.of("/accounts", "/templates", "/editor?template=web", "/providers")) {
                d.get(url.substring(0, url.indexOf("/?")) + path);
                Object wide = ((JavascriptExecutor) d)
                        .executeScript("return document.documentElement.scrollWidth > window.innerWidth + 1");
                assertThat(wide).as(path).isEqualTo(false);
                pages.add(d.getPageSource());
            }
        }
    }

    private static String text(org.openqa.selenium.WebDriver d, String css) {
        return d.findElement(By.cssSelector(css)).getText();
    }

    /** The editor's text set as a paste would, with the input event htmx listens for. */
    private static void setSdl(ChromeDriver d, String sdl) {
        d.executeScript(
                "var t = document.getElementById('sdl'); t.value = arguments[0];"
                        + " t.dispatchEvent(new Event('input', {bubbles: true}));",
                sdl);
    }

    /** The terminal's lines, as xterm.js's DOM renderer shows them. */
    private static List<String> terminalLines(org.openqa.selenium.WebDriver d) {
        return d.findElements(By.cssSelector("#terminal .xterm-rows > div")).stream()
                .map(e -> e.getText().strip())
                .toList();
    }

    private void shot(ChromeDriver d, Path shots, String name) throws Exception {
        pages.add(d.getPageSource());
        Files.write(shots.resolve(name + ".png"), d.getScreenshotAs(OutputType.BYTES));
    }

    /** Headless Chromium through chromedriver, both Debian's; paths from CHROMIUM and CHROMEDRIVER when set. */
    record Browser(ChromeDriver driver) implements AutoCloseable {
        static Browser start(Path profile) throws Exception {
            String chromium = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");
            String chromedriver = System.getenv().getOrDefault("CHROMEDRIVER", "/usr/bin/chromedriver");
            for (String f : new String[] {chromium, chromedriver}) {
                if (!Files.isExecutable(Path.of(f))) {
                    throw new IllegalStateException(f + " is missing: the browser tests need Debian's chromium and"
                            + " chromium-driver (bin/test installs them when run as root)");
                }
            }
            Files.createDirectories(profile);
            ChromeOptions options = new ChromeOptions();
            options.setBinary(chromium);
            options.addArguments(
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-dev-shm-usage",
                    "--window-size=1200,900",
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
}
