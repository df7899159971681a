package org.tandemha.harness.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The simulated world: one pool DB plus the process state of every host (powered on, xapi up,
 * master or slave, emergency mode, DB backup) and the sessions and tasks. All state sits behind one
 * lock; XAPI calls run under it except for deliberate sleeps (start_delay, auth-failure delay,
 * injected latency), which happen outside. Calls that block (event.from, a slave waiting for its
 * master, a hung xapi) wait on the lock's monitor, which releases it.
 *
 * <p>Every change to the DB is picked up by {@link #changed()}, which diffs the records against the
 * last ones, bumps the DB generation once per changed object and wakes blocked callers (§4.2, §2.7).
 */
public final class SimPool implements AutoCloseable {
    static final String NULL_REF = "OpaqueRef:NULL";
    /** In {@link #cutFrom}: the host cannot reach the heuristics address (its gateway). */
    public static final String GATEWAY = "gateway";
    /** In {@link #cutFrom}: the host cannot reach the witness nodes. */
    public static final String WITNESSES = "witnesses";
    /** Host selector meaning every host, for {@link #slowCalls} and {@link #failCall}. */
    public static final String ALL_HOSTS = "*";
    private static final long TICK_MS = 50;

    /** Told when a host's xapi starts answering or stops (power off, restart). Called under the pool lock. */
    interface EndpointControl {
        void endpointUp(String hostUuid, String address);

        void endpointDown(String hostUuid);
    }

    record SimSession(String ref, String hostUuid, boolean local) {
    }

    /** An injected failure: the next {@code remaining} calls of {@code method} on the host(s) fail. */
    private static final class FailRule {
        final String host;
        final String method;
        int remaining;
        final List<String> description;

        FailRule(String host, String method, int remaining, List<String> description) {
            this.host = host;
            this.method = method;
            this.remaining = remaining;
            this.description = description;
        }
    }

    /** Event bookkeeping per object (xapi_event.ml): generations of creation, last change, deletion. */
    static final class Tracked {
        final String cls;
        final String ref;
        long created;
        long modified;
        long deleted;
        Map<String, Object> snapshot;

        Tracked(String cls, String ref) {
            this.cls = cls;
            this.ref = ref;
        }
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
    final Map<String, SimAppliance> appliances = new LinkedHashMap<>();
    final Map<String, SimTask> tasks = new LinkedHashMap<>();
    /** Pool messages (message.create): what XenCenter and Xen Orchestra list as alerts. */
    final Map<String, SimMessage> messages = new LinkedHashMap<>();

    /** One message.create: {@code cls} Pool, Host, VM, …; priority 1 highest … 5. */
    public record SimMessage(String ref, String uuid, String name, long priority, String cls, String objUuid,
                             Instant timestamp, String body) {}
    final Map<String, SimSession> sessions = new LinkedHashMap<>();
    private long nextDomid = 1;
    private final List<CallRecord> callLog = new ArrayList<>();
    private final List<EndpointControl> endpoints = new ArrayList<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sim-pool-scheduler");
        t.setDaemon(true);
        return t;
    });
    /** Runs Async.* tasks and the parallel VM starts of VM_appliance.start. */
    final ExecutorService background = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "sim-pool-task");
        t.setDaemon(true);
        return t;
    });

    // Event state (§2.7).
    private long generation;
    final Map<String, Tracked> tracked = new LinkedHashMap<>();

    // Fault injection and timing.
    private final Map<String, Duration> slow = new LinkedHashMap<>();
    private final List<FailRule> failRules = new ArrayList<>();
    private final Set<Set<String>> partitions = new HashSet<>();
    /** Per host, what else of the network it is cut from: {@link #GATEWAY}, {@link #WITNESSES}. */
    private final Map<String, Set<String>> cutOff = new LinkedHashMap<>();
    private final Set<String> brokenSwitches = new HashSet<>();
    private final List<java.util.function.Consumer<String>> powerOffListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private boolean dropDbPush;
    private Duration dbSyncInterval = Duration.ofSeconds(1);
    private Instant nextDbPush = Instant.now();
    private Duration hostAssumedDeadInterval = Duration.ofSeconds(600);
    private Duration slaveDbWaitMax = Duration.ofMinutes(10);
    private Duration hangMax = Duration.ofMinutes(10);
    private Duration legacyEmergencyAfter;
    /** The safety record: each distinct breach of the one rule, with when it was first seen. */
    private final Map<String, Instant> safetyBreaches = new LinkedHashMap<>();

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
                hostByUuid(vs.residentOnHostUuid()).domains.add(vm.uuid);
                vm.vdiSmConfig.put("host_" + vm.residentOn, "RW");
                vm.domid = nextDomid++;
            } else {
                vm.markHalted();
            }
            vms.put(vm.ref, vm);
        }
        for (ApplianceSpec as : spec.appliances()) {
            SimAppliance app = new SimAppliance(newRef(), as.uuid(), as.name());
            appliances.put(app.ref, app);
            for (String vmUuid : as.vmUuids()) vmByUuid(vmUuid).appliance = app.ref;
        }
        DbImage initial = DbImage.capture(this);
        for (SimHost h : hosts.values()) h.backup = initial;
        commit();
        scheduler.scheduleWithFixedDelay(() -> guarded(this::tick), TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    }

    /** Stops the pool's timers and task threads. Endpoints are closed by their servers. */
    @Override
    public void close() {
        scheduler.shutdownNow();
        background.shutdownNow();
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
            h.domains.clear();   // its guests die with the power
            h.drbdPrimary = false;   // and its storage role: DRBD, tgtd and the address come up empty at boot
            h.targetRunning = false;
            h.floatingIp = false;
            if (!vdiAttachmentsOutlivePower) {
                for (SimVm vm : vms.values()) vm.detachFrom(h.ref);   // the SR's own recovery cleaned up
            }
            for (var l : powerOffListeners) l.accept(hostUuid);
            h.bootGeneration++;
            stopXapi(h);
            changed();
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
            setLive(h, true);
            startXapi(h);
            changed();
        }
    }

    /** Restarts the host's xapi: endpoint down for {@code spec.xapiRestart()}, sessions it held are lost. */
    public void restartXapi(String hostUuid) {
        synchronized (lock) {
            SimHost h = hostByUuid(hostUuid);
            if (!h.answers()) return;
            beginRestart(h, h.bootGeneration);
            changed();
        }
    }

    /** Sets host_metrics.live, as the master's heartbeat GC would after host_assumed_dead_interval. */
    public void setHostLive(String hostUuid, boolean live) {
        synchronized (lock) {
            setLive(hostByUuid(hostUuid), live);
            changed();
        }
    }

    public void setHostEnabled(String hostUuid, boolean enabled) {
        synchronized (lock) {
            hostByUuid(hostUuid).enabled = enabled;
            changed();
        }
    }

    /**
     * hang xapi (§4.4): the host's endpoint still accepts connections and reads requests but answers
     * none until {@link #unhangXapi} (or the hang bound, {@link #setHangMax}). Peers treat it as
     * uncontactable: forwarded calls give CANNOT_CONTACT_HOST, power_state_reset's probe counts it dead,
     * and slaves of a hung master block on DB calls.
     */
    public void hangXapi(String hostUuid) {
        synchronized (lock) {
            hostByUuid(hostUuid).hung = true;
            changed();
        }
    }

    public void unhangXapi(String hostUuid) {
        synchronized (lock) {
            hostByUuid(hostUuid).hung = false;
            changed();
        }
    }

    /** Adds {@code delay} before every call answered by the host ({@link #ALL_HOSTS} for all); zero removes it. */
    public void slowCalls(String hostUuidOrAll, Duration delay) {
        slowCalls(hostUuidOrAll, null, delay);
    }

    /**
     * Adds {@code delay} before every call of {@code method} (null: every call) answered by the host ({@link #ALL_HOSTS}
     * for all); zero removes it. A method's own latency replaces the host's for that method.
     */
    public void slowCalls(String hostUuidOrAll, String method, Duration delay) {
        synchronized (lock) {
            if (!ALL_HOSTS.equals(hostUuidOrAll)) hostByUuid(hostUuidOrAll);
            String key = method == null ? hostUuidOrAll : hostUuidOrAll + " " + method;
            if (delay.isZero()) slow.remove(key);
            else slow.put(key, delay);
        }
    }

    /**
     * The next {@code times} calls of {@code method} (without the {@code Async.} prefix; an async call's
     * task fails instead) on the host, or on any host with {@link #ALL_HOSTS}, fail with
     * {@code [code, params...]} after the parameter-count and session checks.
     */
    public void failCall(String hostUuidOrAll, String method, int times, String code, String... params) {
        synchronized (lock) {
            if (!ALL_HOSTS.equals(hostUuidOrAll)) hostByUuid(hostUuidOrAll);
            List<String> d = new ArrayList<>(List.of(params));
            d.add(0, code);
            failRules.add(new FailRule(hostUuidOrAll, method, times, List.copyOf(d)));
        }
    }

    private boolean vdiAttachmentsOutlivePower;
    private final List<FailRule> startFailRules = new ArrayList<>();

    /**
     * With {@code true}, a host's power loss leaves its guests' disks attached to it in the VDIs' sm_config, as
     * on shared SRs with no cleanup: their starts elsewhere fail with SR_BACKEND_FAILURE_46 until the attachment
     * is reset. Default false (the storage cleans up).
     */
    public void vdiAttachmentsOutlivePower(boolean outlive) {
        synchronized (lock) {
            vdiAttachmentsOutlivePower = outlive;
        }
    }

    /** The next {@code times} VM starts placed on the host fail on that host with this error (not the caller's). */
    public void failStartsOn(String hostUuid, int times, String code, String... params) {
        synchronized (lock) {
            hostByUuid(hostUuid);
            List<String> d = new ArrayList<>(List.of(params));
            d.add(0, code);
            startFailRules.add(new FailRule(hostUuid, "start", times, List.copyOf(d)));
        }
    }

    /** An injected failure for a start on this host, consuming one use; caller holds the lock. */
    List<String> injectedStartFailure(String hostUuid) {
        for (FailRule r : startFailRules) {
            if (r.remaining > 0 && r.host.equals(hostUuid)) {
                r.remaining--;
                return r.description;
            }
        }
        return null;
    }

    /** The host_<ref> attachments of a guest's disk, by host UUID (what resetvdis.py would clear). */
    public Set<String> vdiAttachedOn(String vmUuid) {
        synchronized (lock) {
            Set<String> out = new java.util.TreeSet<>();
            for (String key : vmByUuid(vmUuid).vdiSmConfig.keySet()) {
                SimHost h = hosts.get(key.substring("host_".length()));
                out.add(h == null ? key : h.uuid);
            }
            return out;
        }
    }

    /**
     * A guest domain appears on a host without XAPI knowing (a stray copy, e.g. left by a failed migration or
     * started by hand with xl): the safety record will show the VM on two hosts while both run it.
     */
    public void spawnStrayDomain(String hostUuid, String vmUuid) {
        synchronized (lock) {
            SimHost h = hostByUuid(hostUuid);
            vmByUuid(vmUuid);
            if (h.poweredOn) h.domains.add(vmUuid);
            changed();
        }
    }

    /** Removes every injected failure and latency. */
    public void clearInjectedFaults() {
        synchronized (lock) {
            failRules.clear();
            startFailRules.clear();
            slow.clear();
        }
    }

    /**
     * Cuts XAPI-to-XAPI traffic between the two hosts, both ways: forwarded calls give
     * CANNOT_CONTACT_HOST, power_state_reset's is_slave probe and declare_dead see the peer dead,
     * recover_slaves skips it, DB pushes do not arrive, and a slave's DB calls to a partitioned master
     * hang. Requests whose source address is one host's address sent to the other's endpoint get no
     * answer ({@link #blocks}).
     */
    public void partition(String hostUuidA, String hostUuidB) {
        synchronized (lock) {
            hostByUuid(hostUuidA);
            hostByUuid(hostUuidB);
            partitions.add(Set.of(hostUuidA, hostUuidB));
            changed();
        }
    }

    /**
     * Cuts the host from the rest of the network beyond the pool's hosts: {@link #GATEWAY} (the heuristics
     * address stops answering it) or {@link #WITNESSES} (the witness nodes); {@code cut=false} reconnects.
     * Only the simulated nodes read this (through {@link #cutFrom}); XAPI traffic is not affected.
     */
    public void cut(String hostUuid, String what, boolean cut) {
        if (!what.equals(GATEWAY) && !what.equals(WITNESSES)) {
            throw new IllegalArgumentException("can cut a host from " + GATEWAY + " or " + WITNESSES + ", not " + what);
        }
        synchronized (lock) {
            hostByUuid(hostUuid);
            if (cut) cutOff.computeIfAbsent(hostUuid, k -> new HashSet<>()).add(what);
            else cutOff.getOrDefault(hostUuid, new HashSet<>()).remove(what);
            changed();
        }
    }

    /** Partitions the host from every other host, the gateway and the witnesses: an isolated host. */
    public void isolate(String hostUuid) {
        synchronized (lock) {
            for (SimHost o : hosts.values()) if (!o.uuid.equals(hostUuid)) partition(hostUuid, o.uuid);
            cut(hostUuid, GATEWAY, true);
            cut(hostUuid, WITNESSES, true);
            storageLinkCut.add(hostUuid);   // its DRBD peers are hosts too
            changed();
        }
    }

    // ---------------------------------------------------------------- replicated storage

    /*
     * The pool's replicated storage as iSCSI-HA pools have it: one DRBD resource (r0) on every host, an iSCSI target
     * and a floating IP, driven by each host's node through its control endpoint (harness SimStorage) as the real
     * adapter drives drbdadm, tgtadm and ip. It behaves as DRBD 9 without quorum does: a Primary refuses a second one
     * while they are connected, but nothing stops two Primaries while the replication link is down — that is what
     * Tandem must prevent, and the safety record notes it. Both sides Primary across a disconnection and the link
     * back: StandAlone on both, a split brain recorded until an operator resolves it.
     */

    /** Hosts whose replication link is cut ({@code *}: the link between all of them). */
    private final Set<String> storageLinkCut = new HashSet<>();

    /** Cuts ({@code up=false}) or mends the storage replication link between the hosts. */
    public void setStorageLink(boolean up) {
        synchronized (lock) {
            if (up) storageLinkCut.clear();
            else storageLinkCut.add(ALL_HOSTS);
            changed();
        }
    }

    private boolean storageLinkUp(SimHost a, SimHost b) {
        return a.poweredOn && b.poweredOn && !storageLinkCut.contains(ALL_HOSTS) && !storageLinkCut.contains(a.uuid)
            && !storageLinkCut.contains(b.uuid);
    }

    private boolean storageConnected(SimHost a, SimHost b) {
        return storageLinkUp(a, b) && !a.drbdSplitBrain && !b.drbdSplitBrain;
    }

    /** What DRBD does on its own as links come and go: divergence while apart, resync or split brain on reconnect. */
    private void storageFollowLinks() {
        for (SimHost h : hosts.values()) {
            if (!h.poweredOn || !h.drbdPrimary) continue;
            for (SimHost o : hosts.values()) if (o != h && !storageConnected(h, o)) h.drbdDiverged = true;
        }
        for (SimHost a : hosts.values()) {
            for (SimHost b : hosts.values()) {
                if (a == b || !storageConnected(a, b)) continue;
                if (a.drbdDiverged && b.drbdDiverged) {
                    a.drbdSplitBrain = true;   // "Split-Brain detected, dropping connection!"
                    b.drbdSplitBrain = true;
                } else if (!a.drbdPrimary || !b.drbdPrimary) {
                    a.drbdDiverged = false;   // resynced from the side that moved on
                    b.drbdDiverged = false;
                }
            }
        }
    }

    /**
     * The host's storage as its tools read it, one {@code key value} per line: {@code role}, {@code connection}
     * ({@code Connected}, {@code Connecting}, {@code StandAlone}), {@code peer-role}, {@code peer-disks},
     * {@code split-brain}, {@code target}, {@code ip}.
     */
    public String storageState(String hostUuid) {
        synchronized (lock) {
            SimHost h = hostByUuid(hostUuid);
            if (!h.poweredOn) throw new IllegalStateException("host " + h.name + " is powered off");
            List<SimHost> peers = hosts.values().stream().filter(o -> o != h).toList();
            boolean connected = peers.stream().allMatch(o -> storageConnected(h, o));
            String connection = connected ? "Connected" : h.drbdSplitBrain ? "StandAlone" : "Connecting";
            String peerRole = peers.stream().anyMatch(o -> storageConnected(h, o) && o.drbdPrimary) ? "Primary"
                : !peers.isEmpty() && connected ? "Secondary" : "Unknown";
            String peerDisks = String.join(",", peers.stream()
                .map(o -> storageConnected(h, o) ? "UpToDate" : "DUnknown").toList());
            return "role " + (h.drbdPrimary ? "Primary" : "Secondary") + "\nconnection " + connection + "\npeer-role "
                + peerRole + "\npeer-disks " + peerDisks + "\nsplit-brain " + h.drbdSplitBrain + "\ntarget "
                + h.targetRunning + "\nip " + h.floatingIp + "\n";
        }
    }

    /** Whether the floating IP answers, from this host, on another powered host it reaches (arping -D). */
    public boolean floatingIpElsewhere(String hostUuid) {
        synchronized (lock) {
            SimHost h = hostByUuid(hostUuid);
            return hosts.values().stream().anyMatch(o -> o != h && o.poweredOn && o.floatingIp
                && !partitioned(h.uuid, o.uuid) && !storageLinkCut.contains(h.uuid) && !storageLinkCut.contains(o.uuid));
        }
    }

    /**
     * One storage step on the host: {@code promote}, {@code demote}, {@code start-target}, {@code stop-target},
     * {@code add-ip}, {@code remove-ip}, {@code resolve-survivor}, {@code resolve-victim}. A step the real tool refuses
     * throws with the tool's words.
     */
    public void storageStep(String hostUuid, String step) {
        synchronized (lock) {
            SimHost h = hostByUuid(hostUuid);
            if (!h.poweredOn) throw new IllegalStateException("host " + h.name + " is powered off");
            switch (step) {
                case "promote" -> {
                    if (hosts.values().stream().anyMatch(o -> o != h && o.drbdPrimary && storageConnected(h, o))) {
                        throw new IllegalStateException("r0: State change failed: (-1) Multiple primaries not allowed "
                            + "by config");
                    }
                    h.drbdPrimary = true;
                }
                case "demote" -> {
                    if (h.targetRunning) {
                        throw new IllegalStateException("r0: State change failed: (-12) Device is held open by someone");
                    }
                    h.drbdPrimary = false;
                }
                case "start-target" -> {
                    if (!h.drbdPrimary) {
                        throw new IllegalStateException("tgtadm: can't open /dev/drbd0: Wrong medium type");
                    }
                    h.targetRunning = true;
                }
                case "stop-target" -> h.targetRunning = false;
                case "add-ip" -> h.floatingIp = true;
                case "remove-ip" -> h.floatingIp = false;
                case "resolve-survivor" -> {
                    h.drbdSplitBrain = false;
                    h.drbdDiverged = false;
                }
                case "resolve-victim" -> {
                    if (h.targetRunning) {
                        throw new IllegalStateException("r0: State change failed: (-12) Device is held open by someone");
                    }
                    h.drbdPrimary = false;   // disconnect, secondary, connect --discard-my-data
                    h.drbdSplitBrain = false;
                    h.drbdDiverged = false;
                }
                default -> throw new IllegalArgumentException("no storage step " + step);
            }
            changed();
        }
    }

    /** The host that holds the whole storage role now — DRBD Primary, target and floating IP — or null. */
    public String storageServer() {
        synchronized (lock) {
            return hosts.values().stream().filter(h -> h.poweredOn && h.drbdPrimary && h.targetRunning && h.floatingIp)
                .map(h -> h.uuid).findFirst().orElse(null);
        }
    }

    /** What the host cannot reach: the UUIDs of hosts partitioned from it, and {@link #GATEWAY}/{@link #WITNESSES}. */
    public Set<String> cutFrom(String hostUuid) {
        synchronized (lock) {
            hostByUuid(hostUuid);
            Set<String> out = new java.util.TreeSet<>(cutOff.getOrDefault(hostUuid, Set.of()));
            for (SimHost o : hosts.values()) if (partitioned(hostUuid, o.uuid)) out.add(o.uuid);
            Long offset = clockOffsetsMs.get(hostUuid);
            if (offset != null) out.add(CLOCK_OFFSET + offset);
            return out;
        }
    }

    /**
     * {@link #cutFrom}, once it differs from {@code known} or {@code max} passed: the long poll of a simulated node's
     * links, so an idle node does not ask ten times a second.
     */
    public Set<String> awaitCutChange(String hostUuid, Set<String> known, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        synchronized (lock) {
            while (true) {
                Set<String> now = cutFrom(hostUuid);
                long left = deadline - System.nanoTime();
                if (!now.equals(known) || left <= 0) return now;
                lock.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /**
     * Breaks or mends the host's power switch (its BMC or PDU): while broken, the control endpoint's power
     * actions for it fail, as an IPMI on a dead management network would. The host itself keeps running.
     */
    public void setPowerSwitchWorking(String hostUuid, boolean working) {
        markHost(brokenSwitches, hostUuid, !working);
    }

    /** Adds the host to {@code hosts} or takes it out (a known host only). */
    private void markHost(Set<String> hosts, String hostUuid, boolean in) {
        synchronized (lock) {
            hostByUuid(hostUuid);
            if (in) hosts.add(hostUuid);
            else hosts.remove(hostUuid);
        }
    }

    public boolean powerSwitchWorks(String hostUuid) {
        synchronized (lock) {
            return !brokenSwitches.contains(hostUuid);
        }
    }

    private final Set<String> lyingSwitches = new HashSet<>();

    /**
     * A lying power switch ({@code lies=true}): asked to cut the host's power it does nothing, and it reads the power
     * as off all the same — a PDU outlet mapped to the wrong host, an IPMI that acknowledges and ignores. The host runs on.
     */
    public void setPowerSwitchLying(String hostUuid, boolean lies) {
        markHost(lyingSwitches, hostUuid, lies);
    }

    public boolean powerSwitchLies(String hostUuid) {
        synchronized (lock) {
            return lyingSwitches.contains(hostUuid);
        }
    }

    private final Map<String, Long> clockOffsetsMs = new LinkedHashMap<>();

    /**
     * The host's wall clock steps by {@code by} (an NTP step, a wrong RTC after a reboot), on top of any earlier step.
     * Its node reads the offset with its links ({@link #cutFrom}: a {@code clock-offset-ms=N} entry).
     */
    public void jumpClock(String hostUuid, Duration by) {
        synchronized (lock) {
            hostByUuid(hostUuid);
            long now = clockOffsetsMs.getOrDefault(hostUuid, 0L) + by.toMillis();
            if (now == 0) clockOffsetsMs.remove(hostUuid);
            else clockOffsetsMs.put(hostUuid, now);
            changed();
        }
    }

    /** The prefix of the clock offset in a host's {@link #cutFrom} answer. */
    public static final String CLOCK_OFFSET = "clock-offset-ms=";

    private volatile Duration powerActionDelay = Duration.ZERO;

    /** How long the power switch takes to cut a host's power when asked over the control endpoint. */
    public void setPowerActionDelay(Duration delay) {
        powerActionDelay = delay;
    }

    public Duration powerActionDelay() {
        return powerActionDelay;
    }

    private final Map<String, Duration> slowSwitches = new java.util.concurrent.ConcurrentHashMap<>();

    /** One host's power switch answers only after {@code delay} (a slow BMC); zero makes it as quick as the rest. */
    public void setPowerSwitchDelay(String hostUuid, Duration delay) {
        synchronized (lock) {
            hostByUuid(hostUuid);
        }
        if (delay.isZero()) slowSwitches.remove(hostUuid);
        else slowSwitches.put(hostUuid, delay);
    }

    /** How long cutting this host's power takes: its own switch's delay, else the pool-wide one. */
    public Duration powerActionDelay(String hostUuid) {
        return slowSwitches.getOrDefault(hostUuid, powerActionDelay);
    }

    /** Called with the host's UUID whenever a host loses power (under the pool lock: be quick), e.g. to kill its node. */
    public void onPowerOff(java.util.function.Consumer<String> listener) {
        powerOffListeners.add(listener);
    }

    /** Removes every partition and cut, the storage replication link's too. */
    public void heal() {
        synchronized (lock) {
            partitions.clear();
            cutOff.clear();
            storageLinkCut.clear();
            changed();
        }
    }

    /** Whether a request from {@code fromAddress} (a host's address) to the endpoint of {@code toHostUuid} is dropped. */
    public boolean blocks(String fromAddress, String toHostUuid) {
        if (fromAddress == null) return false;
        synchronized (lock) {
            for (SimHost from : hosts.values()) {
                // A powered-off host sends nothing: a process that outlived its host's power is not heard.
                if (from.address.equals(fromAddress) && (!from.poweredOn || partitioned(from.uuid, toHostUuid))) return true;
            }
            return false;
        }
    }

    /** While true the master stops pushing DB backups, so a host promoted later loads stale state (§3.3). */
    public void dropDbPush(boolean drop) {
        synchronized (lock) {
            dropDbPush = drop;
        }
    }

    /** Pushes the master's DB to every host it can reach now, as the periodic push would (ignores dropDbPush). */
    public void pushDbBackupNow() {
        synchronized (lock) {
            pushDb();
        }
    }

    /** pool_db_sync_interval: how often the master pushes its DB to each host (real xapi: 300 s). Default 1 s. */
    public void setDbSyncInterval(Duration interval) {
        synchronized (lock) {
            dbSyncInterval = interval;
            nextDbPush = Instant.now().plus(interval);
        }
    }

    /** host_assumed_dead_interval: the master sets live=false after this long without a heartbeat. Default 600 s. */
    public void setHostAssumedDeadInterval(Duration interval) {
        synchronized (lock) {
            hostAssumedDeadInterval = interval;
        }
    }

    /** How long a slave's DB-needing call waits for an unreachable master before INTERNAL_ERROR. Default 10 min. */
    public void setSlaveDbWaitMax(Duration max) {
        synchronized (lock) {
            slaveDbWaitMax = max;
        }
    }

    /** How long a hung or partition-blocked request waits before it is answered anyway. Default 10 min. */
    public void setHangMax(Duration max) {
        synchronized (lock) {
            hangMax = max;
        }
    }

    /**
     * The documented legacy behaviour (§3.2): a slave that cannot reach its master for {@code after}
     * enters emergency mode with INTERNAL_ERROR instead of blocking forever; null restores the current
     * xapi behaviour (retry forever).
     */
    public void legacyEmergencyAfter(Duration after) {
        synchronized (lock) {
            legacyEmergencyAfter = after;
        }
    }

    /** Forces emergency mode with the given stored error (§3.2 list), until {@link #clearEmergencyMode}. */
    public void forceEmergencyMode(String hostUuid, String code, String... params) {
        synchronized (lock) {
            SimHost h = hostByUuid(hostUuid);
            List<String> d = new ArrayList<>(List.of(params));
            d.add(0, code);
            h.emergencyMode = true;
            h.emergencyForced = true;
            h.emergencyError = List.copyOf(d);
            changed();
        }
    }

    public void clearEmergencyMode(String hostUuid) {
        synchronized (lock) {
            SimHost h = hostByUuid(hostUuid);
            h.emergencyMode = false;
            h.emergencyForced = false;
            changed();
        }
    }

    // ---------------------------------------------------------------- observation

    public boolean isInEmergencyMode(String hostUuid) {
        return readHost(hostUuid, h -> h.emergencyMode);
    }

    public boolean isXapiHung(String hostUuid) {
        return readHost(hostUuid, h -> h.hung);
    }

    /** When the VM's last successful start began, or null. */
    public Instant vmLastStartedAt(String vmUuid) {
        return readVm(vmUuid, vm -> vm.lastStartedAt);
    }

    /** The current DB generation (the first half of an event.from token). */
    public long dbGeneration() {
        synchronized (lock) {
            commit();
            return generation;
        }
    }

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

    public Map<String, String> hostOtherConfig(String hostUuid) {
        synchronized (lock) {
            return Map.copyOf(hostByUuid(hostUuid).otherConfig);
        }
    }

    /** The pool's messages, oldest first. */
    public List<SimMessage> messages() {
        synchronized (lock) {
            return List.copyOf(messages.values());
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

    SimHost findHostByAddress(String address) {
        for (SimHost h : hosts.values()) {
            if (h.address.equals(address)) return h;
        }
        return null;
    }

    /** The host pool.master points at in the DB. */
    SimHost master() {
        return hosts.get(masterRef);
    }

    void setLive(SimHost h, boolean live) {
        if (h.live != live) h.metricsUpdated = Instant.now();
        h.live = live;
    }

    boolean partitioned(String hostUuidA, String hostUuidB) {
        return !hostUuidA.equals(hostUuidB) && partitions.contains(Set.of(hostUuidA, hostUuidB));
    }

    /** Whether {@code from}'s xapi can get an answer from {@code to}'s xapi right now. */
    boolean reachable(SimHost from, SimHost to) {
        return to.answers() && !to.hung && !partitioned(from.uuid, to.uuid);
    }

    /** A slave's master connection: the host at its pool.conf address, up, master, and reachable. */
    boolean masterReachableFrom(SimHost h) {
        SimHost m = findHostByAddress(h.role.masterAddress());
        return m != null && m.role.master() && reachable(h, m);
    }

    /**
     * Blocks the calling thread (which holds the pool lock; waiting releases it) until {@code done}
     * holds or {@code max} passes; false on timeout. If the host's xapi stops meanwhile the call dies.
     */
    boolean awaitLocked(SimHost self, BooleanSupplier done, Duration max) {
        long generationAtStart = self.bootGeneration;
        long deadline = System.nanoTime() + max.toNanos();
        while (!done.getAsBoolean()) {
            if (self.bootGeneration != generationAtStart) {
                throw new XapiFailure("INTERNAL_ERROR", "xapi on " + self.name + " stopped");
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) return false;
            try {
                lock.wait(Math.max(1, Math.min(TICK_MS, TimeUnit.NANOSECONDS.toMillis(left))));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new XapiFailure("INTERNAL_ERROR", "interrupted");
            }
        }
        return true;
    }

    Duration slaveDbWaitMax() {
        return slaveDbWaitMax;
    }

    /**
     * Fault injection at the endpoint, before the call is dispatched: a hung xapi or a partition
     * between the caller's host and this one holds the request unanswered; then injected latency.
     */
    void beforeCall(String hostUuid, String method, String callerAddress) {
        Duration delay;
        synchronized (lock) {
            SimHost self = hostByUuid(hostUuid);
            awaitLocked(self, () -> !self.hung && !blocksLocked(callerAddress, hostUuid), hangMax);
            delay = slow.getOrDefault(hostUuid + " " + method, slow.getOrDefault(ALL_HOSTS + " " + method,
                    slow.getOrDefault(hostUuid, slow.getOrDefault(ALL_HOSTS, Duration.ZERO))));
        }
        if (!delay.isZero()) {
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private boolean blocksLocked(String fromAddress, String toHostUuid) {
        if (fromAddress == null) return false;
        SimHost from = findHostByAddress(fromAddress);
        return from != null && partitioned(from.uuid, toHostUuid);
    }

    /** An injected failure for this call, consuming one of its remaining uses; caller holds the lock. */
    List<String> injectedFailure(String hostUuid, String method) {
        for (FailRule r : failRules) {
            if (r.remaining > 0 && r.method.equals(method) && (r.host.equals(ALL_HOSTS) || r.host.equals(hostUuid))) {
                r.remaining--;
                return r.description;
            }
        }
        return null;
    }

    /** Records DB changes as events and wakes blocked callers. Caller holds the pool lock. */
    void changed() {
        commit();
        lock.notifyAll();
    }

    /** Diffs every record against the last seen one; one generation per created, changed or deleted object. */
    void commit() {
        storageFollowLinks();   // DRBD's own reaction to the change, before the rule is read
        recordSafety();
        Map<String, Object[]> now = SimRecords.all(this);
        for (Map.Entry<String, Object[]> e : now.entrySet()) {
            String cls = (String) e.getValue()[0];
            @SuppressWarnings("unchecked")
            Map<String, Object> record = (Map<String, Object>) e.getValue()[1];
            Tracked t = tracked.get(e.getKey());
            if (t == null || t.deleted != 0) {
                t = new Tracked(cls, e.getKey());
                t.created = t.modified = ++generation;
                t.snapshot = record;
                tracked.put(t.ref, t);
            } else if (!t.snapshot.equals(record)) {
                t.modified = ++generation;
                t.snapshot = record;
            }
        }
        for (Tracked t : tracked.values()) {
            if (t.deleted == 0 && !now.containsKey(t.ref)) t.deleted = ++generation;
        }
    }

    long generation() {
        return generation;
    }

    /**
     * The one rule, read from the simulated hypervisors rather than from any DB: at no instant may two
     * powered hosts run as pool master (a hung xapi still holds the role), nor the domains of one guest
     * run on two powered hosts. Checked on every state change, which is every instant that matters.
     */
    private void recordSafety() {
        List<String> masters = new ArrayList<>();
        List<String> primaries = new ArrayList<>();
        List<String> addresses = new ArrayList<>();
        Map<String, List<String>> runningOn = new LinkedHashMap<>();
        for (SimHost h : hosts.values()) {
            if (!h.poweredOn) continue;
            if (h.xapiUp && h.role.master()) masters.add(h.name);
            if (h.drbdPrimary) primaries.add(h.name);
            if (h.floatingIp) addresses.add(h.name);
            for (String vm : h.domains) runningOn.computeIfAbsent(vm, k -> new ArrayList<>()).add(h.name);
        }
        if (masters.size() > 1) safetyBreaches.putIfAbsent("two pool masters at once: " + masters, Instant.now());
        if (primaries.size() > 1) safetyBreaches.putIfAbsent("two DRBD Primaries at once: " + primaries, Instant.now());
        if (addresses.size() > 1) {
            safetyBreaches.putIfAbsent("two owners of the floating IP at once: " + addresses, Instant.now());
        }
        runningOn.forEach((vm, on) -> {
            if (on.size() > 1) safetyBreaches.putIfAbsent("VM " + vmNameLocked(vm) + " runs on " + on + " at once", Instant.now());
        });
    }

    private final java.util.concurrent.atomic.AtomicInteger startsInProgress = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger maxConcurrentStarts = new java.util.concurrent.atomic.AtomicInteger();

    void startBegan() {
        int now = startsInProgress.incrementAndGet();
        maxConcurrentStarts.accumulateAndGet(now, Math::max);
    }

    void startEnded() {
        startsInProgress.decrementAndGet();
    }

    /** The most VM starts (VM.start/start_on, from the start until xapi's reply) ever in progress at once. */
    public int maxConcurrentStarts() {
        return maxConcurrentStarts.get();
    }

    /** The name of a guest by UUID (its UUID if unknown). */
    public String vmName(String vmUuid) {
        synchronized (lock) {
            return vmNameLocked(vmUuid);
        }
    }

    private String vmNameLocked(String vmUuid) {
        return vms.values().stream().filter(v -> v.uuid.equals(vmUuid)).map(v -> v.name).findFirst().orElse(vmUuid);
    }

    /** Every breach of the one rule seen so far ("at &lt;instant&gt;: &lt;what&gt;"), empty while the rule held. */
    public List<String> safetyBreaches() {
        synchronized (lock) {
            recordSafety();
            List<String> out = new ArrayList<>();
            safetyBreaches.forEach((what, at) -> out.add("at " + at + ": " + what));
            return out;
        }
    }

    /** UUIDs of the guests whose domains really run on the host (not what the DB says). */
    public Set<String> domainsOn(String hostUuid) {
        synchronized (lock) {
            SimHost h = hostByUuid(hostUuid);
            return h.poweredOn ? Set.copyOf(h.domains) : Set.of();
        }
    }

    /**
     * The host's own toolstack destroys a guest's domain, as {@code xl destroy} in dom0 does while the
     * pool master cannot be reached: the domain is gone; the DB row changes only if this host runs the
     * DB or can reach the master that does.
     */
    public void destroyDomain(String hostUuid, String vmUuid) {
        synchronized (lock) {
            SimHost h = hostByUuid(hostUuid);
            if (!h.poweredOn || !h.domains.remove(vmUuid)) return;
            SimHost master = master();
            boolean dbReachable = master != null && (master == h || reachable(h, master));
            for (SimVm vm : vms.values()) {
                if (vm.uuid.equals(vmUuid) && vm.residentOn.equals(h.ref) && dbReachable) vm.markHalted();
                if (vm.uuid.equals(vmUuid)) vm.detachFrom(h.ref);
            }
            changed();
        }
    }

    /** The periodic work of the pool: heartbeats and liveness, slave master connections, DB pushes, events. */
    private void tick() {
        synchronized (lock) {
            Instant now = Instant.now();
            SimHost m = master();
            boolean masterUp = m != null && m.answers() && m.role.master() && !m.hung;
            for (SimHost h : hosts.values()) {
                if (masterUp && h != m) {
                    if (reachable(m, h)) {
                        h.lastHeartbeat = now;
                    } else if (h.live && Duration.between(h.lastHeartbeat, now).compareTo(hostAssumedDeadInterval) >= 0) {
                        setLive(h, false); // db_gc.ml: no heartbeat for host_assumed_dead_interval
                    }
                }
                if (!h.answers() || h.role.master()) {
                    h.masterLostSince = null;
                    continue;
                }
                if (masterReachableFrom(h)) {
                    h.masterLostSince = null;
                    // pool.hello succeeds: leave emergency mode.
                    if (h.emergencyMode && !h.emergencyForced) h.emergencyMode = false;
                } else {
                    if (h.masterLostSince == null) h.masterLostSince = now;
                    if (legacyEmergencyAfter != null && !h.emergencyMode
                            && Duration.between(h.masterLostSince, now).compareTo(legacyEmergencyAfter) >= 0) {
                        enterEmergency(h);
                    }
                }
            }
            if (!now.isBefore(nextDbPush)) {
                nextDbPush = now.plus(dbSyncInterval);
                if (!dropDbPush) pushDb();
            }
            changed();
        }
    }

    private void enterEmergency(SimHost h) {
        h.emergencyMode = true;
        h.emergencyForced = false;
        h.emergencyError = List.of("INTERNAL_ERROR", "Connection to master " + h.role.masterAddress() + " failed");
    }

    /** pool_db_backup.ml: the running master copies its DB to itself and every host it can reach. */
    private void pushDb() {
        SimHost m = master();
        if (m == null || !m.answers() || !m.role.master() || m.hung) return;
        DbImage image = DbImage.capture(this);
        for (SimHost h : hosts.values()) {
            if (h == m || reachable(m, h)) h.backup = image;
        }
    }

    /** pool.emergency_reset_master: repoint a slave at {@code masterAddress} and restart its xapi after the fuse. */
    void scheduleResetMaster(SimHost h, String masterAddress) {
        h.configuredRole = HostRole.slaveOf(masterAddress);
        scheduleFuse(h);
    }

    /**
     * pool.emergency_transition_to_master: pool.conf says master at once; after the fuse xapi
     * goes down, and after the restart time it comes back as master.
     */
    void scheduleTransitionToMaster(SimHost h) {
        h.configuredRole = HostRole.coordinator();
        h.loadBackupOnStart = true;
        scheduleFuse(h);
    }

    private void scheduleFuse(SimHost h) {
        long bootGeneration = h.bootGeneration;
        scheduler.schedule(() -> guarded(() -> {
            synchronized (lock) {
                if (h.bootGeneration == bootGeneration && h.answers()) beginRestart(h, bootGeneration);
                changed();
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
                changed();
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
        h.hung = false;
        sessions.values().removeIf(s -> s.local() && s.hostUuid().equals(h.uuid));
        if (h.role.master()) {
            sessions.values().removeIf(s -> !s.local());
            tasks.clear();
        }
        for (EndpointControl c : endpoints) c.endpointDown(h.uuid);
    }

    /**
     * §3.3 step 3: the new master's DB is its last backup. VMs it runs itself are resynced from its own
     * domains; everything else (other hosts' VMs, enabled, live, other_config) is as old as the backup.
     */
    private void loadBackup(SimHost h) {
        DbImage b = h.backup;
        if (b == null) return;
        Map<String, SimVm> current = new LinkedHashMap<>(vms);
        vms.clear();
        for (SimVm old : b.vms().values()) {
            SimVm cur = current.get(old.ref);
            boolean local = cur != null && (cur.residentOn.equals(h.ref) || old.residentOn.equals(h.ref));
            SimVm row = local ? cur : old.copy();
            if (!local && !vdiAttachmentsOutlivePower) {
                // As at power loss: unless attachments are set to outlive it, a dead host's are cleaned up.
                for (SimHost o : hosts.values()) if (!o.poweredOn) row.detachFrom(o.ref);
            }
            vms.put(old.ref, row);
        }
        poolOtherConfig.clear();
        poolOtherConfig.putAll(b.poolOtherConfig());
        for (SimHost o : hosts.values()) {
            DbImage.HostRow row = b.hosts().get(o.ref);
            if (row == null) continue;
            o.enabled = row.enabled();
            setLive(o, row.live());
            o.otherConfig.clear();
            o.otherConfig.putAll(row.otherConfig());
        }
    }

    private void startXapi(SimHost h) {
        if (h.configuredRole.master()) {
            SimHost other = hosts.values().stream()
                    .filter(o -> o != h && reachable(h, o) && o.role.master()).findFirst().orElse(null);
            if (other != null) {
                // check_no_other_masters: another host answers as master, so become its slave.
                h.configuredRole = HostRole.slaveOf(other.address);
            }
        }
        h.role = h.configuredRole;
        h.emergencyMode = false;
        h.emergencyForced = false;
        h.masterLostSince = null;
        if (h.role.master()) {
            if (h.loadBackupOnStart) loadBackup(h);
            // dbsync_master: pool.master := self, self live; sessions and tasks are not persisted.
            masterRef = h.ref;
            setLive(h, true);
            sessions.values().removeIf(s -> !s.local());
            tasks.clear();
            // The heartbeat timers start now (§4.3 step 7): hosts stay live for host_assumed_dead_interval.
            Instant now = Instant.now();
            for (SimHost o : hosts.values()) o.lastHeartbeat = now;
        } else if (!masterReachableFrom(h)) {
            // A slave that starts without completing pool.hello runs in emergency mode (§3.2).
            enterEmergency(h);
        }
        h.loadBackupOnStart = false;
        h.xapiUp = true;
        for (EndpointControl c : endpoints) c.endpointUp(h.uuid, h.address);
    }
}
