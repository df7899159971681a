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
    /**
     * The guest's one disk: its VBD and VDI (dom0s have none). The VDI's sm_config records which hosts have it
     * attached ({@code host_<host ref>} = RW), as the storage manager does; a key left by a dead host blocks
     * starts elsewhere with SR_BACKEND_FAILURE_46 until it is reset.
     */
    final String vbdRef;
    final String vbdUuid;
    final String vdiRef;
    final String vdiUuid;
    final Map<String, String> vdiSmConfig = new LinkedHashMap<>();
    /** When the last successful start began, for ordering checks; not a DB field. */
    java.time.Instant lastStartedAt;

    SimVm(String ref, String uuid, String name, boolean isControlDomain) {
        this.ref = ref;
        this.uuid = uuid;
        this.name = name;
        this.isControlDomain = isControlDomain;
        this.vbdRef = isControlDomain ? null : SimPool.newRef();
        this.vbdUuid = isControlDomain ? null : java.util.UUID.nameUUIDFromBytes(("vbd" + uuid).getBytes()).toString();
        this.vdiRef = isControlDomain ? null : SimPool.newRef();
        this.vdiUuid = isControlDomain ? null : java.util.UUID.nameUUIDFromBytes(("vdi" + uuid).getBytes()).toString();
    }

    private SimVm(SimVm o) {
        this.ref = o.ref;
        this.uuid = o.uuid;
        this.name = o.name;
        this.isControlDomain = o.isControlDomain;
        this.vbdRef = o.vbdRef;
        this.vbdUuid = o.vbdUuid;
        this.vdiRef = o.vdiRef;
        this.vdiUuid = o.vdiUuid;
    }

    /** The disk's attachment to a host ends (clean shutdown, domain destroyed by its own host). */
    void detachFrom(String hostRef) {
        vdiSmConfig.remove("host_" + hostRef);
    }

    /** A detached copy of the DB row, for DB backups (§3.3). */
    SimVm copy() {
        SimVm c = new SimVm(this);
        c.otherConfig.putAll(otherConfig);
        c.vdiSmConfig.putAll(vdiSmConfig);
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
