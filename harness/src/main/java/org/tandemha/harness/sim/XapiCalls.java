package org.tandemha.harness.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The XAPI method table and the dispatch rules of §1.4: parameter count first, then the session
 * check, then the implementation. Every call runs under the pool lock; sleeps run after it is released.
 */
final class XapiCalls {

    /** Per-call state a handler can use; {@code self} is the host whose endpoint received the call. */
    static final class Ctx {
        final SimHost self;
        SimPool.SimSession session;
        Duration sleepAfter = Duration.ZERO;
        /** Raised only after {@link #sleepAfter}, e.g. the deliberate auth-failure delay. */
        XapiFailure failAfterSleep;

        Ctx(SimHost self) {
            this.self = self;
        }
    }

    @FunctionalInterface
    interface Handler {
        Object handle(Ctx ctx, List<Object> args);
    }

    /** @param arity parameters excluding the session; @param defaulted optional trailing parameters */
    private record Method(String name, boolean takesSession, int arity, int defaulted, Handler handler) {
    }

    private final SimPool pool;
    private final Map<String, Method> methods = new LinkedHashMap<>();
    private final Map<String, Method> alternativeNames = new LinkedHashMap<>();

    XapiCalls(SimPool pool) {
        this.pool = pool;
        registerSession();
        registerPool();
        registerHost();
        registerVm();
        for (Method m : methods.values()) alternativeNames.put(m.name().replace('.', '_'), m);
    }

    /**
     * What a call produced, independent of the wire protocol: a value (Success) or an error description
     * {@code [CODE, params...]} (Failure). The XML-RPC and JSON-RPC codecs each encode it their way.
     */
    record Outcome(Object value, List<String> failure) {
        static Outcome success(Object value) {
            return new Outcome(value, null);
        }

        static Outcome failure(List<String> description) {
            return new Outcome(null, List.copyOf(description));
        }

        boolean ok() {
            return failure == null;
        }
    }

    /** Runs one call on the endpoint of {@code hostUuid}. */
    Outcome dispatch(String hostUuid, String methodName, List<Object> params) {
        String address;
        Ctx ctx;
        Object value;
        try {
            synchronized (pool.lock()) {
                SimHost self = pool.hostByUuid(hostUuid);
                address = self.address;
                ctx = new Ctx(self);
                value = invokeLocked(ctx, methodName, params);
            }
        } catch (XapiFailure f) {
            pool.recordCall(pool.hostAddress(hostUuid), methodName, f.code());
            return Outcome.failure(f.description());
        } catch (RuntimeException e) {
            // exnHelper.ml: anything unexpected surfaces as INTERNAL_ERROR with the printed exception.
            pool.recordCall(pool.hostAddress(hostUuid), methodName, "INTERNAL_ERROR");
            return Outcome.failure(List.of("INTERNAL_ERROR", e.toString()));
        }
        if (!ctx.sleepAfter.isZero()) sleep(ctx.sleepAfter);
        if (ctx.failAfterSleep != null) {
            pool.recordCall(address, methodName, ctx.failAfterSleep.code());
            return Outcome.failure(ctx.failAfterSleep.description());
        }
        pool.recordCall(address, methodName, "Success");
        return Outcome.success(value);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            // The endpoint is shutting down; the reply will not be delivered anyway.
            Thread.currentThread().interrupt();
        }
    }

    private Object invokeLocked(Ctx ctx, String name, List<Object> params) {
        Method m = methods.get(name);
        if (m == null) m = alternativeNames.get(name);
        if (m == null) {
            if (!params.isEmpty()) ctx.session = checkSession(ctx.self, params.get(0));
            throw new XapiFailure("MESSAGE_METHOD_UNKNOWN", name);
        }
        int received = params.size() - (m.takesSession() ? 1 : 0);
        if (received < m.arity() || received > m.arity() + m.defaulted()) {
            throw new XapiFailure("MESSAGE_PARAMETER_COUNT_MISMATCH", m.name(),
                    Integer.toString(m.arity()), Integer.toString(Math.max(received, 0)));
        }
        List<Object> args = params;
        if (m.takesSession()) {
            ctx.session = checkSession(ctx.self, params.get(0));
            args = params.subList(1, params.size());
        }
        return m.handler().handle(ctx, args);
    }

    /** session_check.ml: unknown → SESSION_INVALID; a pool session on a slave → HOST_IS_SLAVE. */
    private SimPool.SimSession checkSession(SimHost self, Object arg) {
        String ref = String.valueOf(arg);
        SimPool.SimSession s = pool.sessions.get(ref);
        if (s == null) throw new XapiFailure("SESSION_INVALID", ref);
        if (s.local()) {
            // Slave-local sessions live in one host's memory only.
            if (!s.hostUuid().equals(self.uuid)) throw new XapiFailure("SESSION_INVALID", ref);
        } else if (!self.role.master()) {
            throw new XapiFailure("HOST_IS_SLAVE", pool.hosts.get(pool.masterRef).address);
        }
        return s;
    }

    private void register(String name, boolean takesSession, int arity, Handler h) {
        methods.put(name, new Method(name, takesSession, arity, 0, h));
    }

    private void register(String name, int arity, Handler h) {
        register(name, true, arity, h);
    }

    // ---------------------------------------------------------------- session

    private void registerSession() {
        methods.put("session.login_with_password", new Method("session.login_with_password", false, 2, 2, (ctx, a) -> {
            // Raised from pool.conf before any DB access, so it is immediate even with a dead master.
            if (!ctx.self.role.master()) throw new XapiFailure("HOST_IS_SLAVE", ctx.self.role.masterAddress());
            if (!credentialsOk(ctx, a)) return null;
            return newSession(ctx.self, false);
        }));
        register("session.slave_local_login_with_password", false, 2, (ctx, a) -> {
            if (!credentialsOk(ctx, a)) return null;
            return newSession(ctx.self, true);
        });
        register("session.logout", 0, (ctx, a) -> {
            pool.sessions.remove(ctx.session.ref());
            return "";
        });
        register("session.local_logout", 0, (ctx, a) -> {
            pool.sessions.remove(ctx.session.ref());
            return "";
        });
        register("session.get_this_host", 1, (ctx, a) -> {
            String ref = str(a.get(0));
            SimPool.SimSession s = pool.sessions.get(ref);
            if (s == null) throw new XapiFailure("HANDLE_INVALID", "session", ref);
            return pool.hostByUuid(s.hostUuid()).ref;
        });
    }

    private boolean credentialsOk(Ctx ctx, List<Object> a) {
        String user = str(a.get(0));
        String password = str(a.get(1));
        if (user.equals(pool.spec().username()) && password.equals(pool.spec().password())) return true;
        ctx.sleepAfter = pool.spec().authFailureDelay();
        ctx.failAfterSleep = new XapiFailure("SESSION_AUTHENTICATION_FAILED", user, "Authentication failure");
        return false;
    }

    private String newSession(SimHost self, boolean local) {
        String ref = SimPool.newRef();
        pool.sessions.put(ref, new SimPool.SimSession(ref, self.uuid, local));
        return ref;
    }

    // ---------------------------------------------------------------- pool

    private void registerPool() {
        register("pool.get_all", 0, (ctx, a) -> List.of(pool.poolRef));
        register("pool.get_all_records", 0, (ctx, a) -> Map.of(pool.poolRef, poolRecord()));
        register("pool.get_record", 1, (ctx, a) -> {
            checkPool(a.get(0));
            return poolRecord();
        });
        register("pool.get_uuid", 1, (ctx, a) -> {
            checkPool(a.get(0));
            return pool.poolUuid;
        });
        register("pool.get_master", 1, (ctx, a) -> {
            checkPool(a.get(0));
            return pool.masterRef;
        });
        register("pool.get_other_config", 1, (ctx, a) -> {
            checkPool(a.get(0));
            return new LinkedHashMap<>(pool.poolOtherConfig);
        });
        register("pool.add_to_other_config", 3, (ctx, a) -> {
            checkPool(a.get(0));
            addToMap(pool.poolOtherConfig, "pool", pool.poolRef, a);
            return "";
        });
        register("pool.remove_from_other_config", 2, (ctx, a) -> {
            checkPool(a.get(0));
            pool.poolOtherConfig.remove(str(a.get(1)));
            return "";
        });
        register("pool.emergency_transition_to_master", 0, (ctx, a) -> {
            pool.scheduleTransitionToMaster(ctx.self);
            return "";
        });
        register("pool.recover_slaves", 0, (ctx, a) -> {
            if (!ctx.self.role.master()) throw new XapiFailure("HOST_IS_SLAVE", ctx.self.role.masterAddress());
            List<String> recovered = new ArrayList<>();
            for (SimHost h : pool.hosts.values()) {
                // Dead hosts cannot be contacted; their failures are silently dropped.
                if (h == ctx.self || !h.answers()) continue;
                h.role = HostRole.slaveOf(ctx.self.address);
                h.configuredRole = h.role;
                recovered.add(h.ref);
            }
            return recovered;
        });
        register("pool.is_slave", 1, (ctx, a) -> !ctx.self.role.master());
    }

    private void checkPool(Object ref) {
        if (!pool.poolRef.equals(str(ref))) throw new XapiFailure("HANDLE_INVALID", "pool", str(ref));
    }

    private Map<String, Object> poolRecord() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("uuid", pool.poolUuid);
        r.put("name_label", pool.poolName);
        r.put("name_description", "");
        r.put("master", pool.masterRef);
        r.put("default_SR", SimPool.NULL_REF);
        r.put("other_config", new LinkedHashMap<>(pool.poolOtherConfig));
        r.put("ha_enabled", false);
        r.put("ha_configuration", Map.of());
        r.put("ha_statefiles", List.of());
        r.put("ha_host_failures_to_tolerate", 0L);
        r.put("ha_plan_exists_for", 0L);
        r.put("ha_allow_overcommit", false);
        r.put("ha_overcommitted", false);
        r.put("allowed_operations", List.of());
        r.put("current_operations", Map.of());
        r.put("tags", List.of());
        return r;
    }

    // ---------------------------------------------------------------- host, host_metrics

    private void registerHost() {
        register("host.get_all", 0, (ctx, a) -> new ArrayList<>(pool.hosts.keySet()));
        register("host.get_all_records", 0, (ctx, a) -> {
            Map<String, Object> all = new LinkedHashMap<>();
            for (SimHost h : pool.hosts.values()) all.put(h.ref, hostRecord(h));
            return all;
        });
        register("host.get_record", 1, (ctx, a) -> hostRecord(host(a.get(0))));
        register("host.get_by_uuid", 1, (ctx, a) -> {
            SimHost h = pool.findHostByUuid(str(a.get(0)));
            if (h == null) throw new XapiFailure("UUID_INVALID", "host", str(a.get(0)));
            return h.ref;
        });
        register("host.get_uuid", 1, (ctx, a) -> host(a.get(0)).uuid);
        register("host.get_name_label", 1, (ctx, a) -> host(a.get(0)).name);
        register("host.get_address", 1, (ctx, a) -> host(a.get(0)).address);
        register("host.get_enabled", 1, (ctx, a) -> host(a.get(0)).enabled);
        register("host.get_metrics", 1, (ctx, a) -> host(a.get(0)).metricsRef);
        register("host.get_resident_VMs", 1, (ctx, a) -> residentVms(host(a.get(0))));
        register("host.get_API_version_major", 1, (ctx, a) -> {
            host(a.get(0));
            return 2L;
        });
        register("host.get_API_version_minor", 1, (ctx, a) -> {
            host(a.get(0));
            return 14L;
        });
        register("host.is_in_emergency_mode", 0, (ctx, a) -> false);
        register("host_metrics.get_live", 1, (ctx, a) -> hostOfMetrics(a.get(0)).live);
        register("host_metrics.get_record", 1, (ctx, a) -> metricsRecord(hostOfMetrics(a.get(0))));
        register("host_metrics.get_all_records", 0, (ctx, a) -> {
            Map<String, Object> all = new LinkedHashMap<>();
            for (SimHost h : pool.hosts.values()) all.put(h.metricsRef, metricsRecord(h));
            return all;
        });
    }

    private SimHost host(Object ref) {
        SimHost h = pool.hosts.get(str(ref));
        if (h == null) throw new XapiFailure("HANDLE_INVALID", "host", str(ref));
        return h;
    }

    private SimHost hostOfMetrics(Object ref) {
        for (SimHost h : pool.hosts.values()) {
            if (h.metricsRef.equals(str(ref))) return h;
        }
        throw new XapiFailure("HANDLE_INVALID", "host_metrics", str(ref));
    }

    private List<String> residentVms(SimHost h) {
        List<String> refs = new ArrayList<>();
        for (SimVm vm : pool.vms.values()) {
            if (vm.residentOn.equals(h.ref)) refs.add(vm.ref);
        }
        return refs;
    }

    private Map<String, Object> hostRecord(SimHost h) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("uuid", h.uuid);
        r.put("name_label", h.name);
        r.put("name_description", "");
        r.put("hostname", h.name);
        r.put("address", h.address);
        r.put("enabled", h.enabled);
        r.put("metrics", h.metricsRef);
        r.put("other_config", new LinkedHashMap<>(h.otherConfig));
        r.put("API_version_major", 2L);
        r.put("API_version_minor", 14L);
        r.put("API_version_vendor", "XenSource");
        r.put("software_version", Map.of("product_version", "8.1.0", "product_brand", "XenServer (simulated)"));
        r.put("resident_VMs", residentVms(h));
        r.put("allowed_operations", List.of());
        r.put("current_operations", Map.of());
        r.put("tags", List.of());
        return r;
    }

    private Map<String, Object> metricsRecord(SimHost h) {
        long used = 0;
        for (SimVm vm : pool.vms.values()) {
            if (vm.residentOn.equals(h.ref)) used += vm.memoryStaticMax;
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("uuid", h.metricsUuid);
        r.put("memory_total", h.memoryTotal);
        r.put("memory_free", Math.max(0, h.memoryTotal - used));
        r.put("live", h.live);
        r.put("last_updated", Instant.now());
        r.put("other_config", Map.of());
        return r;
    }

    // ---------------------------------------------------------------- VM

    private void registerVm() {
        register("VM.get_all", 0, (ctx, a) -> new ArrayList<>(pool.vms.keySet()));
        register("VM.get_all_records", 0, (ctx, a) -> {
            Map<String, Object> all = new LinkedHashMap<>();
            for (SimVm vm : pool.vms.values()) all.put(vm.ref, vmRecord(vm));
            return all;
        });
        register("VM.get_record", 1, (ctx, a) -> vmRecord(vm(a.get(0))));
        register("VM.get_by_uuid", 1, (ctx, a) -> {
            String uuid = str(a.get(0));
            for (SimVm vm : pool.vms.values()) {
                if (vm.uuid.equals(uuid)) return vm.ref;
            }
            throw new XapiFailure("UUID_INVALID", "VM", uuid);
        });
        register("VM.get_uuid", 1, (ctx, a) -> vm(a.get(0)).uuid);
        register("VM.get_name_label", 1, (ctx, a) -> vm(a.get(0)).name);
        register("VM.get_power_state", 1, (ctx, a) -> vm(a.get(0)).powerState);
        register("VM.get_resident_on", 1, (ctx, a) -> vm(a.get(0)).residentOn);
        register("VM.get_other_config", 1, (ctx, a) -> new LinkedHashMap<>(vm(a.get(0)).otherConfig));
        register("VM.add_to_other_config", 3, (ctx, a) -> {
            SimVm vm = vm(a.get(0));
            addToMap(vm.otherConfig, "VM", vm.ref, a);
            return "";
        });
        register("VM.remove_from_other_config", 2, (ctx, a) -> {
            vm(a.get(0)).otherConfig.remove(str(a.get(1)));
            return "";
        });
        register("VM.power_state_reset", 1, (ctx, a) -> {
            powerStateReset(vm(a.get(0)));
            return "";
        });
        register("VM.start", 3, (ctx, a) -> {
            SimVm vm = vm(a.get(0));
            checkStartable(vm);
            SimHost target = chooseHost(vm);
            // Forwarding to a host that is still live&&enabled but dead fails here (§3.3 step 7).
            if (!target.answers()) throw new XapiFailure("CANNOT_CONTACT_HOST", target.ref);
            start(ctx, vm, target, bool(a.get(1)));
            return "";
        });
        register("VM.start_on", 4, (ctx, a) -> {
            SimVm vm = vm(a.get(0));
            SimHost target = host(a.get(1));
            checkStartable(vm);
            // assert_can_boot_here: live first (no params), then enabled.
            if (!target.live) throw new XapiFailure("HOST_NOT_LIVE");
            if (!target.enabled) throw new XapiFailure("HOST_DISABLED", target.ref);
            if (!target.answers()) throw new XapiFailure("CANNOT_CONTACT_HOST", target.ref);
            start(ctx, vm, target, bool(a.get(2)));
            return "";
        });
    }

    private SimVm vm(Object ref) {
        SimVm vm = pool.vms.get(str(ref));
        if (vm == null) throw new XapiFailure("HANDLE_INVALID", "VM", str(ref));
        return vm;
    }

    /** xapi_vm.ml power_state_reset: refuses only when the VM's host demonstrably still runs it. */
    private void powerStateReset(SimVm vm) {
        if (vm.isControlDomain) throw new XapiFailure("CANNOT_RESET_CONTROL_DOMAIN", vm.ref);
        boolean active = vm.powerState.equals("Running") || vm.powerState.equals("Paused");
        SimHost h = pool.hosts.get(vm.residentOn);
        if (active && h != null) {
            if (h.ref.equals(pool.masterRef)) throw new XapiFailure("DOMAIN_EXISTS", vm.ref);
            // The master probes the host with pool.is_slave; a failed contact counts as dead.
            if (h.live && h.answers()) throw new XapiFailure("HOST_IS_LIVE", h.ref);
        }
        vm.markHalted();
    }

    private void checkStartable(SimVm vm) {
        if (!vm.powerState.equals("Halted")) {
            throw new XapiFailure("VM_BAD_POWER_STATE", vm.ref, "halted", vm.powerState.toLowerCase());
        }
        if (vm.isTemplate) throw new XapiFailure("VM_IS_TEMPLATE", vm.ref, "start");
        if (vm.isSnapshot) throw new XapiFailure("VM_IS_SNAPSHOT", vm.ref, "start");
    }

    /**
     * choose_host_for_vm: candidates are enabled and live (nothing checks reachability), the affinity
     * host is preferred, otherwise the first candidate in the spec's host order.
     */
    private SimHost chooseHost(SimVm vm) {
        SimHost affinity = pool.hosts.get(vm.affinity);
        if (affinity != null && affinity.enabled && affinity.live) return affinity;
        for (SimHost h : pool.hosts.values()) {
            if (h.enabled && h.live) return h;
        }
        throw new XapiFailure("NO_HOSTS_AVAILABLE");
    }

    private void start(Ctx ctx, SimVm vm, SimHost target, boolean paused) {
        vm.powerState = paused ? "Paused" : "Running";
        vm.residentOn = target.ref;
        vm.domid = pool.nextDomid();
        if ("restart".equals(vm.haRestartPriority)) vm.haAlwaysRun = true;
        vm.startCount++;
        // xapi sleeps start_delay before replying; done outside the lock.
        ctx.sleepAfter = Duration.ofSeconds(vm.startDelay);
    }

    private Map<String, Object> vmRecord(SimVm vm) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("uuid", vm.uuid);
        r.put("name_label", vm.name);
        r.put("name_description", "");
        r.put("power_state", vm.powerState);
        r.put("resident_on", vm.residentOn);
        r.put("affinity", vm.affinity);
        r.put("is_control_domain", vm.isControlDomain);
        r.put("is_a_template", vm.isTemplate);
        r.put("is_a_snapshot", vm.isSnapshot);
        r.put("other_config", new LinkedHashMap<>(vm.otherConfig));
        r.put("appliance", SimPool.NULL_REF);
        r.put("ha_restart_priority", vm.haRestartPriority);
        r.put("ha_always_run", vm.haAlwaysRun);
        r.put("order", vm.order);
        r.put("start_delay", vm.startDelay);
        r.put("shutdown_delay", vm.shutdownDelay);
        r.put("domid", vm.domid);
        r.put("memory_static_max", vm.memoryStaticMax);
        r.put("memory_dynamic_max", vm.memoryStaticMax);
        r.put("memory_static_min", vm.memoryStaticMax);
        r.put("memory_dynamic_min", vm.memoryStaticMax);
        r.put("HVM_shadow_multiplier", 1.0);
        r.put("snapshot_time", Instant.EPOCH);
        r.put("allowed_operations", List.of());
        r.put("current_operations", Map.of());
        r.put("blocked_operations", Map.of());
        r.put("tags", List.of());
        return r;
    }

    // ---------------------------------------------------------------- shared

    /** Maps are not idempotent in xapi: an existing key fails even with the same value. */
    private static void addToMap(Map<String, String> map, String table, String ref, List<Object> a) {
        String key = str(a.get(1));
        if (map.containsKey(key)) throw new XapiFailure("MAP_DUPLICATE_KEY", table, "other_config", ref, key);
        map.put(key, str(a.get(2)));
    }

    private static String str(Object o) {
        return String.valueOf(o);
    }

    private static boolean bool(Object o) {
        if (o instanceof Boolean b) return b;
        return Boolean.parseBoolean(String.valueOf(o));
    }
}
