package dev.vyoma.cli.deploy;

import dev.vyoma.cli.common.Args;
import dev.vyoma.cli.common.OutputCommand;
import dev.vyoma.cli.common.UserException;
import dev.vyoma.client.EscrowWatcher;
import dev.vyoma.client.VyomaClient;
import dev.vyoma.ledger.crypto.KeyPair;
import dev.vyoma.ledger.deployment.DeploymentId;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vyoma deploy topup DSEQ --keep 24h}: one deposit that funds the deployment for that long. */
@Command(
        name = "topup",
        description = {
            "Deposit what a deployment's escrow needs to stay funded for a while: vyoma deploy topup DSEQ --from KEY"
                    + " --keep 24h.",
            "Nothing is sent when it is funded that long already. vyoma deploy watch --keep keeps it so."
        })
final class TopupCommand extends OutputCommand {
    @Mixin
    DeployCommand.Target target;

    @Option(
            names = "--keep",
            required = true,
            description = "How long the deployment must be funded from the next block, e.g. 24h or 7d.")
    String keep;

    @Override
    public Integer call() {
        var keepFor = Args.duration(keep, "--keep");
        KeyPair key = target.key();
        DeploymentId id = new DeploymentId(key.address(), Args.number(target.dseq, "DSEQ"));
        VyomaClient chain = target.client.client();
        EscrowWatcher.TopUp t;
        try {
            t = EscrowWatcher.topUp(chain, key, id, keepFor);
        } catch (EscrowWatcher.TopUpRefused | VyomaClient.NodeException e) {
            throw new UserException(e.getMessage());
        }
        if (!t.after().paying()) {
            throw new UserException(
                    "deployment " + target.dseq + " has no lease paying from its escrow; nothing to" + " keep funded");
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("dseq", id.dseq());
        row.put("deposited", t.depositedMicro() + t.after().denom());
        row.put("landedAt", t.landedAt());
        EscrowColumns.put(row, t.after());
        return print(row);
    }
}
