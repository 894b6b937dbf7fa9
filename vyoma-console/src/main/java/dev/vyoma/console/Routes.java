package dev.vyoma.console;

import dev.vyoma.client.Keyring;
import dev.vyoma.client.VyomaClient;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.deployment.DeploymentId;
import dev.vyoma.ledger.deployment.GroupId;
import dev.vyoma.ledger.market.OrderId;
import dev.vyoma.ledger.tx.Msg;
import dev.vyoma.sdl.spec.GroupSpec;
import io.javalin.config.RoutesConfig;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import tools.jackson.databind.JsonNode;

/**
 * Every page and action of the console in one readable place. Pages (GET) only read; actions (POST) sign with a key
 * of the {@link Wallet} and answer with a redirect to the page that shows the outcome (its message shown once), or,
 * for a refused request, the page again with the error. Everything from the browser is parsed here into typed
 * values (addresses, deployment ids, coins, durations) before it goes further.
 */
final class Routes {
    /** The deposit the editor proposes. */
    static final String DEFAULT_DEPOSIT = "5000000uusd";

    /** Log lines shown by the text page. */
    static final int LOG_TAIL = 100;

    private final Renderer renderer;
    private final Wallet wallet;
    private final Gallery gallery;
    private final Market market;
    private final Deployments deployments;
    private final Optional<String> statsUrl;
    private final AtomicReference<String> flash = new AtomicReference<>();

    Routes(
            Renderer renderer,
            Wallet wallet,
            Gallery gallery,
            Market market,
            Deployments deployments,
            Optional<String> statsUrl) {
        this.renderer = renderer;
        this.wallet = wallet;
        this.gallery = gallery;
        this.market = market;
        this.deployments = deployments;
        this.statsUrl = statsUrl;
    }

    void install(RoutesConfig r) {
        r.get("/", ctx -> ctx.redirect("/accounts"));
        r.get("/favicon.ico", ctx -> ctx.status(204));
        r.get("/accounts", this::accounts);
        r.post("/keys/{name}/unlock", this::unlock);
        r.post("/keys/{name}/lock", this::lock);
        r.post("/send", this::send);
        r.get("/templates", this::templates);
        r.get("/templates/{name}/icon.svg", this::icon);
        r.get("/editor", ctx -> editor(ctx, editorFor(ctx.queryParam("template"))));
        r.post("/editor/check", ctx -> {
            Map<String, Object> params = new java.util.HashMap<>();
            params.put("check", SdlCheck.check(form(ctx, "sdl")));
            params.put("screened", null);
            renderer.render(ctx, "check", null, params);
        });
        r.post("/editor", this::editorAction);
        r.get("/deployments", this::deploymentList);
        r.get("/d/{owner}/{dseq}", this::deployment);
        r.get("/d/{owner}/{dseq}/status", ctx -> {
            DeploymentId dep = dep(ctx);
            renderer.render(
                    ctx, "deploymentStatus", null, Map.of("view", deployments.view(signer(dep), dep, link(dep))));
        });
        r.get("/d/{owner}/{dseq}/bids", ctx -> bids(ctx, "bids"));
        r.get("/d/{owner}/{dseq}/bids/live", ctx -> bids(ctx, "bidsLive"));
        r.post("/d/{owner}/{dseq}/lease", this::lease);
        r.get("/d/{owner}/{dseq}/logs", this::logText);
        r.post("/d/{owner}/{dseq}/update", this::update);
        r.post("/d/{owner}/{dseq}/close", this::close);
        r.post("/d/{owner}/{dseq}/topup", this::topUp);
        r.get(
                "/providers",
                ctx -> renderer.render(
                        ctx, "providers", page("Providers", "providers"), Map.of("providers", market.providers())));
        r.get("/network", this::network);
        r.exception(Wallet.LockedException.class, (e, ctx) -> renderer.error(ctx, 409, e));
        r.exception(Deployments.Refused.class, (e, ctx) -> renderer.error(ctx, 409, e));
        r.exception(VyomaClient.NodeException.class, (e, ctx) -> renderer.error(ctx, 502, e));
    }

    private Page page(String title, String nav) {
        Page p = renderer.page(title, nav);
        String f = flash.getAndSet(null);
        return f == null ? p : new Page(p.title(), p.nav(), p.csrf(), p.node(), p.height(), f, null);
    }

    private void done(Context ctx, String message, String to) {
        flash.set(message);
        ctx.redirect(to, io.javalin.http.HttpStatus.SEE_OTHER);
    }

    // Accounts.

    private void accounts(Context ctx) {
        renderer.render(
                ctx,
                "accounts",
                page("Accounts", "accounts"),
                Map.of("accounts", accountList(), "needsPassphrase", wallet.needsPassphrase()));
    }

    private List<Views.Account> accountList() {
        List<Views.Account> out = new ArrayList<>();
        for (Keyring.Entry e : wallet.keys()) {
            List<String> balances = new ArrayList<>();
            market.chain()
                    .account(e.address())
                    .ifPresent(a -> a.balances().forEach(c -> balances.add(c.amount() + " " + c.denom())));
            out.add(new Views.Account(e.name(), e.address().toString(), balances, wallet.isUnlocked(e.name())));
        }
        return out;
    }

    private void unlock(Context ctx) {
        String name = ctx.pathParam("name");
        String pass = ctx.formParam("passphrase");
        if (pass == null || pass.isEmpty()) {
            throw new BadRequestResponse("type the passphrase of " + name);
        }
        wallet.unlock(name, pass.toCharArray());
        done(ctx, "Key " + name + " is unlocked until you lock it or the console stops.", "/accounts");
    }

    private void lock(Context ctx) {
        wallet.lock(ctx.pathParam("name"));
        done(ctx, "Key " + ctx.pathParam("name") + " is locked.", "/accounts");
    }

    private void send(Context ctx) {
        KeyPair from = wallet.signer(form(ctx, "from"));
        Address to = parse(() -> Address.parse(form(ctx, "to").strip()), "To address");
        Coin amount = parse(() -> Coin.parse(form(ctx, "amount").strip()), "Amount");
        VyomaClient chain = market.chain();
        VyomaClient.TxOutcome out =
                chain.broadcast(chain.sign(from, List.of(new Msg.Send(from.address(), to, amount)), ""), true);
        if (!out.ok()) {
            throw new Deployments.Refused("the transfer was refused: " + out.log());
        }
        done(
                ctx,
                "Sent " + amount.amount() + amount.denom() + " to " + to + " at height " + out.height() + ".",
                "/accounts");
    }

    // Templates and the editor.

    private void templates(Context ctx) {
        renderer.render(ctx, "templates", page("Templates", "templates"), Map.of("templates", gallery.templates()));
    }

    private void icon(Context ctx) {
        Gallery.Template t =
                gallery.find(ctx.pathParam("name")).orElseThrow(() -> new NotFoundResponse("No such template."));
        ctx.header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
        ctx.contentType("image/svg+xml").result(t.iconSvg());
    }

    private Views.Editor editorFor(String template) {
        String sdl = "";
        String name = "";
        if (template != null && !template.isEmpty()) {
            Gallery.Template t = gallery.find(template).orElseThrow(() -> new NotFoundResponse("No such template."));
            sdl = t.sdl();
            name = t.name();
        }
        List<String> keys = wallet.keys().stream().map(Keyring.Entry::name).toList();
        return new Views.Editor(
                name,
                sdl,
                keys,
                keys.isEmpty() ? "" : keys.get(0),
                DEFAULT_DEPOSIT,
                sdl.isEmpty() ? null : SdlCheck.check(sdl),
                null);
    }

    private void editor(Context ctx, Views.Editor e) {
        renderer.render(ctx, "editor", page("SDL editor", "editor"), Map.of("editor", e));
    }

    private void editorAction(Context ctx) throws InterruptedException {
        String sdl = form(ctx, "sdl");
        String action = form(ctx, "action");
        SdlCheck.Result check = SdlCheck.check(sdl);
        List<String> keys = wallet.keys().stream().map(Keyring.Entry::name).toList();
        String from = ctx.formParam("from") == null ? "" : ctx.formParam("from");
        String deposit = ctx.formParam("deposit") == null ? DEFAULT_DEPOSIT : ctx.formParam("deposit");
        String template = ctx.formParam("template") == null ? "" : ctx.formParam("template");
        List<SdlCheck.Screened> screened = null;
        if (action.equals("screen") && check.valid()) {
            screened = SdlCheck.screen(market.chain(), check);
        }
        Views.Editor e = new Views.Editor(template, sdl, keys, from, deposit, check, screened);
        if (!action.equals("post")) {
            editor(ctx, e);
            return;
        }
        if (!check.valid()) {
            // Nothing is posted: the errors show beside the text, at their line and column.
            ctx.status(422);
            renderer.render(
                    ctx,
                    "editor",
                    page("SDL editor", "editor").withError("The SDL has errors; nothing was posted."),
                    Map.of("editor", e));
            return;
        }
        Coin amount = parse(() -> Coin.parse(deposit.strip()), "Escrow deposit");
        KeyPair key = wallet.signer(from);
        DeploymentId dep = deployments.post(key, check.parsed().document(), sdl, amount);
        done(ctx, "Deployment " + dep.dseq() + " posted; providers are bidding.", link(dep) + "/bids");
    }

    // Deployments.

    private void deploymentList(Context ctx) {
        List<Views.DeploymentRow> rows = new ArrayList<>();
        for (Keyring.Entry k : wallet.keys()) {
            for (JsonNode d : market.chain()
                    .getJson("/v1/deployments?owner=" + k.address() + "&limit=100")
                    .orElseThrow()
                    .path("items")) {
                DeploymentId id = dev.vyoma.client.ChainIds.deploymentId(d.path("id"));
                rows.add(new Views.DeploymentRow(
                        id.dseq(),
                        k.name(),
                        d.path("state").asString(),
                        d.path("createdAt").asLong(),
                        link(id)));
            }
        }
        rows.sort(Comparator.comparingLong(Views.DeploymentRow::dseq).reversed());
        renderer.render(ctx, "deployments", page("Deployments", "deployments"), Map.of("rows", rows));
    }

    private void deployment(Context ctx) {
        DeploymentId dep = dep(ctx);
        Views.DeploymentView v = deployments.view(signer(dep), dep, link(dep));
        renderer.render(ctx, "deployment", page("Deployment " + dep.dseq(), "deployments"), Map.of("view", v));
    }

    private void bids(Context ctx, String template) {
        DeploymentId dep = dep(ctx);
        var group = market.chain().group(new GroupId(dep, 1));
        List<Views.GroupBids> groups = new ArrayList<>();
        boolean pickable = !deployments.busy(dep) && !deployments.done(dep);
        for (int g = 1; ; g++) {
            var spec = g == 1 ? group : market.chain().group(new GroupId(dep, g));
            if (spec.isEmpty()) {
                break;
            }
            OrderId order = new OrderId(new GroupId(dep, g), 1);
            GroupSpec s = spec.get().spec();
            groups.add(new Views.GroupBids(g, s.name(), order.toString(), market.bids(order), pickable));
        }
        Views.BidsView v = new Views.BidsView(
                dep.owner().toString(),
                dep.dseq(),
                link(dep),
                groups,
                deployments.progress(dep),
                deployments.done(dep));
        renderer.render(
                ctx,
                template,
                template.equals("bids")
                        ? page("Bids on deployment " + dep.dseq(), "deployments")
                        : renderer.page("", ""),
                Map.of("view", v));
    }

    private void lease(Context ctx) {
        DeploymentId dep = dep(ctx);
        int gseq = parse(() -> Integer.parseInt(form(ctx, "gseq")), "gseq");
        Address provider = parse(() -> Address.parse(form(ctx, "provider")), "provider");
        deployments.accept(signer(dep), dep, gseq, provider);
        done(ctx, "Leasing the bid of " + provider + "; progress below.", link(dep) + "/bids");
    }

    private void logText(Context ctx) throws InterruptedException {
        DeploymentId dep = dep(ctx);
        KeyPair key = signer(dep);
        StringBuilder out = new StringBuilder();
        for (var lease : deployments.activeLeases(dep)) {
            deployments
                    .gateway()
                    .logs(
                            key,
                            lease.toString(),
                            "",
                            LOG_TAIL,
                            false,
                            l -> out.append(l).append('\n'));
        }
        ctx.contentType("text/plain; charset=utf-8").result(out.toString());
    }

    private void update(Context ctx) {
        DeploymentId dep = dep(ctx);
        String sdl = form(ctx, "sdl");
        SdlCheck.Result check = SdlCheck.check(sdl);
        if (!check.valid()) {
            throw new BadRequestResponse("the new SDL has errors: "
                    + String.join(
                            "; ",
                            check.errors().stream().map(SdlCheck.Problem::text).toList()));
        }
        deployments.update(signer(dep), dep, check.parsed().document(), sdl);
        done(ctx, "Updating deployment " + dep.dseq() + "; progress on the bids page.", link(dep));
    }

    private void close(Context ctx) {
        DeploymentId dep = dep(ctx);
        deployments.close(signer(dep), dep);
        done(ctx, "Deployment " + dep.dseq() + " is closed; the rest of its deposit came back.", link(dep));
    }

    private void topUp(Context ctx) {
        DeploymentId dep = dep(ctx);
        Duration keep = parse(() -> keep(form(ctx, "keep")), "Keep funded for");
        done(ctx, "Top-up: " + deployments.topUp(signer(dep), dep, keep) + ".", link(dep));
    }

    /** {@code N} and a unit, s, m, h or d, up to a year. */
    static Duration keep(String text) {
        var m = java.util.regex.Pattern.compile("([0-9]{1,6})([smhd])").matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("a number and s, m, h or d, e.g. 24h; got " + text);
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
        if (d.isZero() || d.compareTo(Duration.ofDays(366)) > 0) {
            throw new IllegalArgumentException("between 1 s and 366 days, got " + text);
        }
        return d;
    }

    private void network(Context ctx) {
        JsonNode s = market.chain().getJson("/v1/status").orElseThrow();
        int providers = market.chain()
                .getJson("/v1/providers?limit=" + Market.MAX_PROVIDERS)
                .orElseThrow()
                .path("items")
                .size();
        renderer.render(
                ctx,
                "network",
                page("Network", "network"),
                Map.of(
                        "view",
                        new Views.NetworkView(
                                s.path("chainId").asString(),
                                s.path("height").asLong(),
                                providers,
                                statsUrl.orElse(null))));
    }

    // Parsing at the edge.

    /** The deployment of the path, whose owner must be a key of this keyring. */
    private static DeploymentId dep(Context ctx) {
        return parse(() -> DeploymentId.parse(ctx.pathParam("owner"), ctx.pathParam("dseq")), "deployment");
    }

    private KeyPair signer(DeploymentId dep) {
        String name = wallet.nameOf(dep.owner())
                .orElseThrow(() -> new NotFoundResponse(
                        "deployment " + dep.dseq() + " belongs to " + dep.owner() + ", not to a key of this keyring"));
        return wallet.signer(name);
    }

    static String link(DeploymentId dep) {
        return "/d/" + dep.owner() + "/" + dep.dseq();
    }

    private static String form(Context ctx, String field) {
        String v = ctx.formParam(field);
        if (v == null) {
            throw new BadRequestResponse("the form lacks " + field);
        }
        return v;
    }

    private static <T> T parse(java.util.function.Supplier<T> parser, String what) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw new BadRequestResponse(what + ": " + e.getMessage());
        }
    }
}
