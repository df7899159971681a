package org.tandemha.harness.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The simulated world: one pool DB plus the process state of every host (powered on, xapi up,
 * master or slave) and the sessions. All state sits behind one lock; XAPI calls run under it
 * except for deliberate sleeps (start_delay, auth-failure delay), which happen outside.
 */
public final class SimPool {
    static final String NULL_REF = "OpaqueRef:NULL";

    /** Told when a host's xapi starts answering or stops (power off, restart). Called under the pool lock. */
    interface EndpointControl {
        void endpointUp(String hostUuid, String address);

        void endpointDown(String hostUuid);
    }

    record SimSession(String ref, String hostUuid, boolean local) {
    }

    private final Object lock = new Object();
    private final SimPoolSpec spec;
    final String poolRef = newRef();
    final String poolUuid;
    final String poolName;
    final Map<String, String> poolOtherConfig = new LinkedHashMap<>();
    /** pool.master as stored in the DB. */
    String masterRef;
    final Map<String, SimHost> hosts = new LinkedHashMap<>();
    final Map<String, SimVm> vms = new LinkedHashMap<>();
    final Map<String, SimSession> sessions = new LinkedHashMap<>();
    private long nextDomid = 1;
    private final List<CallRecord> callLog = new ArrayList<>();
    private final List<EndpointControl> endpoints = new ArrayList<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sim-pool-scheduler");
        t.setDaemon(true);
        return t;
    });

    public SimPool(SimPoolSpec spec) {
        this.spec = spec;
        this.poolUuid = spec.poolUuid();
        this.poolName = spec.poolName();
        this.poolOtherConfig.putAll(spec.poolOtherConfig());
        String masterAddress = spec.hosts().stream()
                .filter(h -> h.uuid().equals(spec.masterUuid())).findFirst().orElseThrow().address();
        for (HostSpec hs : spec.hosts()) {
            HostRole role = hs.uuid().equals(spec.masterUuid()) ? HostRole.coordinator() : HostRole.slaveOf(masterAddress);
            SimHost h = new SimHost(newRef(), hs.uuid(), hs.name(), hs.address(), newRef(), UUID.randomUUID().toString(), role);
            hosts.put(h.ref, h);
            if (role.master()) masterRef = h.ref;
            SimVm dom0 = new SimVm(newRef(), UUID.randomUUID().toString(), "Control domain on host: " + hs.name(), true);
            dom0.powerState = "Running";
            dom0.residentOn = h.ref;
            dom0.affinity = h.ref;
            dom0.domid = 0;
            h.dom0Ref = dom0.ref;
            vms.put(dom0.ref, dom0);
        }
        for (VmSpec vs : spec.vms()) {
            SimVm vm = new SimVm(newRef(), vs.uuid(), vs.name(), false);
            vm.otherConfig.putAll(vs.otherConfig());
            vm.order = vs.order();
            vm.startDelay = vs.startDelay();
            if ("Running".equals(vs.powerState())) {
                vm.powerState = "Running";
                vm.residentOn = hostByUuid(vs.residentOnHostUuid()).ref;
                vm.domid = nextDomid++;
            } else {
                vm.markHalted();
            }
            vms.put(vm.ref, vm);
        }
    }

    static String newRef() {
        return "OpaqueRef:" + UUID.randomUUID();
    }

    public SimPoolSpec spec() {
        return spec;
    }

    Object lock() {
        return lock;
    }

    // ---------------------------------------------------------------- fault injection

    /**
     * Cuts the host's power: its endpoint stops accepting connections. Its VMs stay Running and
     * resident on it in the DB, and its metrics stay live, exactly as a real pool would show it.
     */
    public void powerOff(String hostUuid) {
        synchronized (lock) {
            SimHost h = hostByUuid(hostUuid);
            if (!h.poweredOn) return;
            h.poweredOn = false;
            h.bootGeneration++;
            stopXapi(h);
        }
    }

    /**
     * Boots the host. Its guests died with the power, so the DB marks any still resident on it
     * Halted (xapi resyncs with xenopsd at boot). If it thinks it is master but another host now
     * runs as master, it demotes itself (xapi's check_no_other_masters).
     */
    public void powerOn(String hostUuid) {
        synchronized (lock) {
            SimHost h = hostByUuid(hostUuid);
            if (h.poweredOn) return;
            h.poweredOn = true;
            h.bootGeneration++;
            for (SimVm vm : vms.values()) {
                if (!vm.isControlDomain && vm.residentOn.equals(h.ref)) vm.markHalted();
            }
            h.live = true;
            startXapi(h);
        }
    }

    /** Restarts the host's xapi: endpoint down for {@code spec.xapiRestart()}, sessions it held are lost. */
    public void restartXapi(String hostUuid) {
        synchronized (lock) {
            SimHost h = hostByUuid(hostUuid);
            if (!h.answers()) return;
            beginRestart(h, h.bootGeneration);
        }
    }

    /** Sets host_metrics.live, as the master's heartbeat GC would after host_assumed_dead_interval. */
    public void setHostLive(String hostUuid, boolean live) {
        synchronized (lock) {
            hostByUuid(hostUuid).live = live;
        }
    }

    public void setHostEnabled(String hostUuid, boolean enabled) {
        synchronized (lock) {
            hostByUuid(hostUuid).enabled = enabled;
        }
    }

    // ---------------------------------------------------------------- observation

    public boolean isPoweredOn(String hostUuid) {
        return readHost(hostUuid, h -> h.poweredOn);
    }

    /** One field of one host, read under the pool lock. */
    private <T> T readHost(String hostUuid, java.util.function.Function<SimHost, T> field) {
        synchronized (lock) {
            return field.apply(hostByUuid(hostUuid));
        }
    }

    /** One field of one VM, read under the pool lock. */
    private <T> T readVm(String vmUuid, java.util.function.Function<SimVm, T> field) {
        synchronized (lock) {
            return field.apply(vmByUuid(vmUuid));
        }
    }

    /** True while the host's XAPI endpoint accepts connections. */
    public boolean isXapiUp(String hostUuid) {
        return readHost(hostUuid, h -> h.answers());
    }

    public HostRole hostRole(String hostUuid) {
        return readHost(hostUuid, h -> h.role);
    }

    public String hostAddress(String hostUuid) {
        return readHost(hostUuid, h -> h.address);
    }

    public String hostRef(String hostUuid) {
        return readHost(hostUuid, h -> h.ref);
    }

    public boolean hostLive(String hostUuid) {
        return readHost(hostUuid, h -> h.live);
    }

    public boolean hostEnabled(String hostUuid) {
        return readHost(hostUuid, h -> h.enabled);
    }

    public String vmRef(String vmUuid) {
        return readVm(vmUuid, vm -> vm.ref);
    }

    public String vmPowerState(String vmUuid) {
        return readVm(vmUuid, vm -> vm.powerState);
    }

    /** The uuid of the host the VM is resident on, or null when resident_on is NULL. */
    public String vmResidentOnUuid(String vmUuid) {
        synchronized (lock) {
            SimVm vm = vmByUuid(vmUuid);
            SimHost h = hosts.get(vm.residentOn);
            return h == null ? null : h.uuid;
        }
    }

    /** How many times VM.start / VM.start_on succeeded for this VM. */
    public int startCount(String vmUuid) {
        return readVm(vmUuid, vm -> vm.startCount);
    }

    /** The uuid of the host pool.master points at in the DB. */
    public String masterUuid() {
        synchronized (lock) {
            return hosts.get(masterRef).uuid;
        }
    }

    public Map<String, String> poolOtherConfig() {
        synchronized (lock) {
            return Map.copyOf(poolOtherConfig);
        }
    }

    public Map<String, String> vmOtherConfig(String vmUuid) {
        synchronized (lock) {
            return Map.copyOf(vmByUuid(vmUuid).otherConfig);
        }
    }

    public List<CallRecord> callLog() {
        synchronized (callLog) {
            return List.copyOf(callLog);
        }
    }

    // ---------------------------------------------------------------- internals shared with XapiCalls / XapiSimServer

    void recordCall(String hostAddress, String method, String outcome) {
        synchronized (callLog) {
            callLog.add(new CallRecord(Instant.now(), hostAddress, method, outcome));
        }
    }

    void attach(EndpointControl control) {
        synchronized (lock) {
            endpoints.add(control);
            for (SimHost h : hosts.values()) {
                if (h.answers()) control.endpointUp(h.uuid, h.address);
            }
        }
    }

    void detach(EndpointControl control) {
        synchronized (lock) {
            endpoints.remove(control);
        }
    }

    SimHost hostByUuid(String uuid) {
        for (SimHost h : hosts.values()) {
            if (h.uuid.equals(uuid)) return h;
        }
        throw new NoSuchElementException("unknown host uuid " + uuid);
    }

    /** Null when unknown, so callers can choose between a 404 and a XAPI error. */
    SimHost findHostByUuid(String uuid) {
        for (SimHost h : hosts.values()) {
            if (h.uuid.equals(uuid)) return h;
        }
        return null;
    }

    SimVm vmByUuid(String uuid) {
        for (SimVm vm : vms.values()) {
            if (vm.uuid.equals(uuid)) return vm;
        }
        throw new NoSuchElementException("unknown VM uuid " + uuid);
    }

    long nextDomid() {
        return nextDomid++;
    }

    /**
     * pool.emergency_transition_to_master: pool.conf says master at once; after the fuse xapi
     * goes down, and after the restart time it comes back as master.
     */
    void scheduleTransitionToMaster(SimHost h) {
        h.configuredRole = HostRole.coordinator();
        long generation = h.bootGeneration;
        scheduler.schedule(() -> guarded(() -> {
            synchronized (lock) {
                if (h.bootGeneration == generation && h.answers()) beginRestart(h, generation);
            }
        }), spec.fuse().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void beginRestart(SimHost h, long generation) {
        long restartGeneration = generation + 1;
        h.bootGeneration = restartGeneration;
        stopXapi(h);
        Duration down = spec.xapiRestart();
        scheduler.schedule(() -> guarded(() -> {
            synchronized (lock) {
                if (h.bootGeneration == restartGeneration && h.poweredOn) startXapi(h);
            }
        }), down.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Scheduled tasks would otherwise lose their exceptions inside a never-read Future. */
    private static void guarded(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            System.err.println("xapi simulator: scheduled host transition failed: " + e);
            e.printStackTrace();
        }
    }

    /** xapi process exit: local sessions live in its memory; a master's exit also loses every pool session. */
    private void stopXapi(SimHost h) {
        if (!h.xapiUp) return;
        h.xapiUp = false;
        sessions.values().removeIf(s -> s.local() && s.hostUuid().equals(h.uuid));
        if (h.role.master()) sessions.values().removeIf(s -> !s.local());
        for (EndpointControl c : endpoints) c.endpointDown(h.uuid);
    }

    private void startXapi(SimHost h) {
        if (h.configuredRole.master()) {
            SimHost other = hosts.values().stream()
                    .filter(o -> o != h && o.answers() && o.role.master()).findFirst().orElse(null);
            if (other != null) {
                // check_no_other_masters: another host answers as master, so become its slave.
                h.configuredRole = HostRole.slaveOf(other.address);
            }
        }
        h.role = h.configuredRole;
        if (h.role.master()) {
            // dbsync_master: pool.master := self, self live; sessions are not persisted.
            masterRef = h.ref;
            h.live = true;
            sessions.values().removeIf(s -> !s.local());
        }
        h.xapiUp = true;
        for (EndpointControl c : endpoints) c.endpointUp(h.uuid, h.address);
    }
}
