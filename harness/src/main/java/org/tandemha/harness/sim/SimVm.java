package org.tandemha.harness.sim;

import java.util.LinkedHashMap;
import java.util.Map;

/** Mutable pool-DB row of one VM (guest or dom0). Guarded by the pool lock. */
final class SimVm {
    final String ref;
    final String uuid;
    final String name;
    final boolean isControlDomain;
    final Map<String, String> otherConfig = new LinkedHashMap<>();
    String powerState;
    String residentOn = SimPool.NULL_REF;
    String affinity = SimPool.NULL_REF;
    boolean isTemplate;
    boolean isSnapshot;
    String haRestartPriority = "";
    boolean haAlwaysRun;
    long order;
    long startDelay;
    long shutdownDelay;
    long domid = -1;
    long memoryStaticMax = 1L << 30;
    /** VM_appliance ref or NULL. */
    String appliance = SimPool.NULL_REF;
    int startCount;
    /** When the last successful start began, for ordering checks; not a DB field. */
    java.time.Instant lastStartedAt;

    SimVm(String ref, String uuid, String name, boolean isControlDomain) {
        this.ref = ref;
        this.uuid = uuid;
        this.name = name;
        this.isControlDomain = isControlDomain;
    }

    /** A detached copy of the DB row, for DB backups (§3.3). */
    SimVm copy() {
        SimVm c = new SimVm(ref, uuid, name, isControlDomain);
        c.otherConfig.putAll(otherConfig);
        c.powerState = powerState;
        c.residentOn = residentOn;
        c.affinity = affinity;
        c.isTemplate = isTemplate;
        c.isSnapshot = isSnapshot;
        c.haRestartPriority = haRestartPriority;
        c.haAlwaysRun = haAlwaysRun;
        c.order = order;
        c.startDelay = startDelay;
        c.shutdownDelay = shutdownDelay;
        c.domid = domid;
        c.memoryStaticMax = memoryStaticMax;
        c.appliance = appliance;
        c.startCount = startCount;
        c.lastStartedAt = lastStartedAt;
        return c;
    }

    /** DB-only reset to Halted, as VM.power_state_reset and host reboots do; keeps the §4.2 invariants. */
    void markHalted() {
        powerState = "Halted";
        residentOn = SimPool.NULL_REF;
        domid = -1;
    }
}
