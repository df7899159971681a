package org.tandemha.harness.sim;

import java.util.LinkedHashMap;
import java.util.Map;

/** Mutable state of one simulated host: its pool-DB row, its metrics row and its process state. Guarded by the pool lock. */
final class SimHost {
    final String ref;
    final String uuid;
    final String name;
    final String address;
    final String metricsRef;
    final String metricsUuid;
    final Map<String, String> otherConfig = new LinkedHashMap<>();
    boolean enabled = true;
    boolean live = true;
    long memoryTotal = 64L << 30;

    // Process state, not in the pool DB.
    boolean poweredOn = true;
    boolean xapiUp = true;
    /** Role the running xapi loaded at startup (Pool_role is cached). */
    HostRole role;
    /** Role written in pool.conf; becomes {@link #role} at the next xapi start. */
    HostRole configuredRole;
    /** Bumped on every power change so that stale scheduled restarts do nothing. */
    long bootGeneration;
    String dom0Ref;

    SimHost(String ref, String uuid, String name, String address, String metricsRef, String metricsUuid, HostRole role) {
        this.ref = ref;
        this.uuid = uuid;
        this.name = name;
        this.address = address;
        this.metricsRef = metricsRef;
        this.metricsUuid = metricsUuid;
        this.role = role;
        this.configuredRole = role;
    }

    /** Whether a connection to this host's xapi would succeed, e.g. the pool.is_slave probe of power_state_reset. */
    boolean answers() {
        return poweredOn && xapiUp;
    }
}
