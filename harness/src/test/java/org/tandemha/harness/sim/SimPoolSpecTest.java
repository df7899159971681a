package org.tandemha.harness.sim;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SimPoolSpecTest {
    @Test
    void parsesJson() {
        SimPoolSpec spec = SimPoolSpec.parse("""
                {"poolUuid": "p1", "poolName": "demo", "masterUuid": "h1",
                 "hosts": [{"uuid": "h1", "name": "host-a", "address": "127.0.0.11"},
                           {"uuid": "h2", "name": "host-b", "address": "127.0.0.12"}],
                 "vms": [{"uuid": "v1", "name": "web \\"01\\"", "powerState": "Running", "residentOnHostUuid": "h2",
                          "otherConfig": {"ha.group": "gold"}, "order": 1, "startDelay": 2},
                         {"uuid": "v2", "name": "spare", "powerState": "Halted", "residentOnHostUuid": null}],
                 "poolOtherConfig": {"k": "v"}, "username": "root", "password": "secret",
                 "fuse": "PT10S", "xapiRestart": 2.5}
                """);
        assertEquals("h1", spec.masterUuid());
        assertEquals("127.0.0.12", spec.hosts().get(1).address());
        assertEquals("web \"01\"", spec.vms().get(0).name());
        assertEquals(Map.of("ha.group", "gold"), spec.vms().get(0).otherConfig());
        assertEquals(2, spec.vms().get(0).startDelay());
        assertNull(spec.vms().get(1).residentOnHostUuid());
        assertEquals(Duration.ofSeconds(10), spec.fuse());
        assertEquals(Duration.ofMillis(2500), spec.xapiRestart());
        assertEquals(Duration.ZERO, spec.authFailureDelay());
    }

    @Test
    void parsesAppliances() {
        SimPoolSpec spec = SimPoolSpec.parse("""
                {"poolUuid": "p1", "poolName": "demo", "masterUuid": "h1",
                 "hosts": [{"uuid": "h1", "name": "host-a", "address": "127.0.0.11"}],
                 "vms": [{"uuid": "v1", "name": "db", "powerState": "Halted"},
                         {"uuid": "v2", "name": "app", "powerState": "Halted", "order": 1}],
                 "appliances": [{"uuid": "a1", "name": "three-tier", "vmUuids": ["v1", "v2"]}],
                 "username": "root", "password": "secret", "fuse": 1, "xapiRestart": 1}
                """);
        assertEquals(List.of(new ApplianceSpec("a1", "three-tier", List.of("v1", "v2"))), spec.appliances());
        assertEquals(List.of(), SimFixtures.spec(2).appliances());
        assertThrows(IllegalArgumentException.class, () -> new SimPoolSpec("p", "n",
                List.of(new HostSpec("h1", "a", "127.0.0.11")), "h1", List.of(), Map.of(), "u", "p",
                Duration.ZERO, Duration.ZERO, Duration.ZERO, List.of(new ApplianceSpec("a", "x", List.of("nope")))));
    }

    @Test
    void rejectsBrokenInvariants() {
        assertThrows(IllegalArgumentException.class, () -> new VmSpec("v", "n", "Running", null, Map.of(), 0, 0));
        assertThrows(IllegalArgumentException.class, () -> SimPoolSpec.parse("{\"poolUuid\": 1}"));
    }
}
