package dev.vyoma.sim;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** A developer's runner: {@code SimRun SCENARIO OUT [SEED]} (the CLI's {@code vyoma sim run} is the real one). */
final class SimRun {
    public static void main(String[] args) throws Exception {
        Scenario sc = Scenario.parse(Files.readString(Path.of(args[0])), args[0]);
        long seed = args.length > 2 ? Long.parseLong(args[2]) : sc.seed();
        boolean stats = args.length <= 3 || !args[3].equals("nostats");
        MarketSim sim = new MarketSim(sc, seed, new MarketSim.Checks(0, 1000), 2);
        long t0 = System.nanoTime();
        sim.run();
        sim.close();
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
                "%d blocks in %.2f s (%.0f blocks/s), commitment %s%n",
                sim.height(), s, sim.height() / s, sim.stateHex());
        long t1 = System.nanoTime();
        SimOutputs.write(sim, Path.of(args[1]), Duration.ofDays(sc.days()), stats);
        System.out.printf("outputs in %.2f s%n", (System.nanoTime() - t1) / 1e9);
    }
}
