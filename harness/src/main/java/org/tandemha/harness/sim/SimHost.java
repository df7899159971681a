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
    /**
     * UUIDs of the guests whose domains really run on this host — the hypervisor's truth, not the DB's:
     * a DB-only reset (power_state_reset, declare_dead, a stale DB backup) leaves them running; only a
     * shutdown on this host or its power going away ends them. The safety record reads this.
     */
    final java.util.Set<String> domains = new java.util.LinkedHashSet<>();
    boolean xapiUp = true;
    /** Role the running xapi loaded at startup (Pool_role is cached). */
    HostRole role;
    /** Role written in pool.conf; becomes {@link #role} at the next xapi start. */
    HostRole configuredRole;
    /** Bumped on every power change so that stale scheduled restarts do nothing. */
    long bootGeneration;
    String dom0Ref;
    /** host_metrics.last_updated; changes only with live so that event.from sees no spurious changes. */
    java.time.Instant metricsUpdated = java.time.Instant.now();
    /** The last DB copy the master pushed here (§3.3). */
    DbImage backup;
    /** Set by emergency_transition_to_master: the next start as master loads {@link #backup}. */
    boolean loadBackupOnStart;
    /** Fault injection: accept connections, read requests, never answer. */
    boolean hung;
    /** Emergency mode (§3.2) and the stored error every non-emergency call gets. */
    boolean emergencyMode;
    boolean emergencyForced;
    java.util.List<String> emergencyError = java.util.List.of();
    /** When this slave last lost its master, or null while connected. */
    java.time.Instant masterLostSince;
    /** The master's view: last heartbeat from this host. */
    java.time.Instant lastHeartbeat = java.time.Instant.now();

    // Replicated storage (the pool's DRBD resource, iSCSI target and floating IP), as this host's tools would show it.
    boolean drbdPrimary;
    boolean targetRunning;
    boolean floatingIp;
    /** Was Primary while its replication link was down: its data moved on without the peer's (kept on disk). */
    boolean drbdDiverged;
    /** DRBD found both sides diverged on reconnecting: StandAlone, a split brain recorded, until resolved. */
    boolean drbdSplitBrain;

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
