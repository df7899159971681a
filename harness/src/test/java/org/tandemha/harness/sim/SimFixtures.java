package org.tandemha.harness.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** Shared pool layouts and a bounded poll for the simulator tests. */
final class SimFixtures {
    static final String POOL = "0b7c3f1e-0000-4000-8000-000000000001";
    static final String HOST_A = "aaaaaaaa-0000-4000-8000-00000000000a";
    static final String HOST_B = "bbbbbbbb-0000-4000-8000-00000000000b";
    static final String HOST_C = "cccccccc-0000-4000-8000-00000000000c";
    static final String ADDR_A = "127.0.0.21";
    static final String ADDR_B = "127.0.0.22";
    static final String ADDR_C = "127.0.0.23";
    static final String VM_ON_A = "11111111-0000-4000-8000-0000000000a1";
    static final String VM_ON_B = "11111111-0000-4000-8000-0000000000b1";
    static final String VM_ON_C = "11111111-0000-4000-8000-0000000000c1";
    static final String VM_HALTED = "11111111-0000-4000-8000-0000000000f1";
    static final String USER = "root";
    static final String PASSWORD = "secret";

    private SimFixtures() {
    }

    /** Master A plus slaves B (and C when {@code hosts == 3}), one guest per host and one halted guest. */
    static SimPoolSpec spec(int hosts) {
        List<HostSpec> hostSpecs = new ArrayList<>(List.of(
                new HostSpec(HOST_A, "host-a", ADDR_A),
                new HostSpec(HOST_B, "host-b", ADDR_B)));
        List<VmSpec> vms = new ArrayList<>(List.of(
                new VmSpec(VM_ON_A, "web-a", "Running", HOST_A, Map.of("ha.group", "gold"), 0, 0),
                new VmSpec(VM_ON_B, "web-b", "Running", HOST_B, Map.of(), 1, 0),
                new VmSpec(VM_HALTED, "spare", "Halted", null, Map.of(), 2, 0)));
        if (hosts == 3) {
            hostSpecs.add(new HostSpec(HOST_C, "host-c", ADDR_C));
            vms.add(new VmSpec(VM_ON_C, "web-c", "Running", HOST_C, Map.of(), 0, 0));
        }
        return new SimPoolSpec(POOL, "sim-pool", hostSpecs, HOST_A, vms, Map.of("tandem.epoch", "1"),
                USER, PASSWORD, Duration.ofMillis(200), Duration.ofMillis(300));
    }

    /** Retries {@code attempt} until it returns without throwing, for at most {@code timeout}. */
    static <T> T await(Duration timeout, Callable<T> attempt) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            try {
                return attempt.call();
            } catch (Exception e) {
                if (Instant.now().isAfter(deadline)) throw e;
                Thread.sleep(50);
            }
        }
    }
}
