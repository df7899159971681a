package org.tandemha.harness.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * The XAPI method table and the dispatch rules of §1.4: emergency mode first, then the parameter
 * count, a slave's wait for its master's DB (§3.2), the session check, the async check, injected
 * failures, and the implementation (sync, or in the background for {@code Async.*} with a task, §2.6).
 * Handlers run under the pool lock; sleeps and the parallel starts of VM_appliance.start run after it
 * is released; blocking handlers (event.from, slave DB waits) wait on the lock's monitor, releasing it.
 */
final class XapiCalls {

    /** Calls xapi serves in emergency mode (§3.2, datamodel.ml emergency_calls); they need no master DB. */
    static final Set<String> EMERGENCY_CALLS = Set.of(
            "pool.emergency_reset_master", "pool.emergency_transition_to_master", "pool.is_slave",
            "session.slave_local_login", "session.slave_local_login_with_password", "session.local_logout",
            "host.propose_new_master", "host.commit_new_master", "host.abort_new_master",
            "host.local_assert_healthy", "host.signal_networking_change", "host.local_management_reconfigure",
            "host.ha_xapi_healthcheck", "host.emergency_ha_disable", "host.management_disable",
            "host.get_system_status_capabilities", "host.is_in_emergency_mode", "host.shutdown_agent");

    /** Calls a slave answers without its master: the emergency calls, the pool.conf login check, the method list. */
    private static final Set<String> NO_MASTER_DB = union(EMERGENCY_CALLS,
            Set.of("session.login_with_password", "system.listMethods"));

    /**
     * The simulated messages that have an async form (those the Java SDK 8.1.0 offers as {@code …Async}).
     * Field getters/setters, get_all_records and the like have none, nor do session.*, event.*, task.*
     * and the [`Session]-flagged messages (§1.4).
     */
    private static final Set<String> ASYNC_CAPABLE = Set.of(
            "VM.start", "VM.start_on", "VM.hard_shutdown", "VM.power_state_reset",
            "host.disable", "host.enable", "host.declare_dead", "pool.recover_slaves", "VM_appliance.start");

    private static final String ASYNC = "Async.";

    /** Per-call state a handler can use; {@code self} is the host whose endpoint received the call. */
    static final class Ctx {
        final SimHost self;
        SimPool.SimSession session;
        Duration sleepAfter = Duration.ZERO;
        /** A VM start: counted as in progress until its reply, for {@link SimPool#maxConcurrentStarts}. */
        boolean vmStart;
        /** Raised only after {@link #sleepAfter}, e.g. the deliberate auth-failure delay. */
        XapiFailure failAfterSleep;
        /** Work to run after the pool lock is released; its value replaces the handler's. */
        Supplier<Object> outsideLock;
        /** The task of an Async call, or null. */
        String taskRef;

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
        registerAppliance();
        registerDisks();
        registerTask();
        registerEvent();
        registerMessage();
        methods.put("system.listMethods", new Method("system.listMethods", false, 0, 0,
                (ctx, a) -> new ArrayList<>(new java.util.TreeSet<>(methods.keySet()))));
        for (Method m : methods.values()) alternativeNames.put(m.name().replace('.', '_'), m);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new java.util.HashSet<>(a);
        u.addAll(b);
        return Set.copyOf(u);
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
        return dispatch(hostUuid, methodName, params, null);
    }

    /**
     * Runs one call on the endpoint of {@code hostUuid}, received from {@code callerAddress} (the TCP
     * source address, or null if unknown): a hung xapi, or a partition between the caller's host and
     * this one, holds the request unanswered first (see {@link SimPool#blocks}).
     */
    Outcome dispatch(String hostUuid, String methodName, List<Object> params, String callerAddress) {
        String address = pool.hostAddress(hostUuid);
        try {
            pool.beforeCall(hostUuid, methodName, callerAddress);
            Object value = invoke(hostUuid, methodName, params);
            pool.recordCall(address, methodName, "Success");
            return Outcome.success(value);
        } catch (XapiFailure f) {
            pool.recordCall(address, methodName, f.code());
            return Outcome.failure(f.description());
        } catch (RuntimeException e) {
            // exnHelper.ml: anything unexpected surfaces as INTERNAL_ERROR with the printed exception.
            pool.recordCall(address, methodName, "INTERNAL_ERROR");
            return Outcome.failure(List.of("INTERNAL_ERROR", e.toString()));
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            // The endpoint is shutting down; the reply will not be delivered anyway.
            Thread.currentThread().interrupt();
        }
    }

    private Method lookup(String name) {
        Method m = methods.get(name);
        return m != null ? m : alternativeNames.get(name);
    }

    private Object invoke(String hostUuid, String name, List<Object> params) {
        SimHost self;
        Method m;
        List<Object> args;
        SimPool.SimSession session = null;
        boolean async = name.startsWith(ASYNC);
        synchronized (pool.lock()) {
            self = pool.hostByUuid(hostUuid);
            String baseName = async ? name.substring(ASYNC.length()) : name;
            // api_server.ml: in emergency mode everything but the emergency calls gets the stored error.
            if (self.emergencyMode && !EMERGENCY_CALLS.contains(baseName)) {
                List<String> e = self.emergencyError;
                throw new XapiFailure(e.get(0), e.subList(1, e.size()).toArray(new String[0]));
            }
            m = lookup(baseName);
            if (m == null) {
                if (!params.isEmpty()) {
                    awaitMasterDb(self, name);
                    checkSession(self, params.get(0));
                }
                throw new XapiFailure("MESSAGE_METHOD_UNKNOWN", name);
            }
            int received = params.size() - (m.takesSession() ? 1 : 0);
            if (received < m.arity() || received > m.arity() + m.defaulted()) {
                throw new XapiFailure("MESSAGE_PARAMETER_COUNT_MISMATCH", m.name(),
                        Integer.toString(m.arity()), Integer.toString(Math.max(received, 0)));
            }
            // §3.2: a slave's DB reads and writes go to its master; with the master unreachable they block.
            if (!NO_MASTER_DB.contains(m.name())) awaitMasterDb(self, m.name());
            args = params;
            if (m.takesSession()) {
                session = checkSession(self, params.get(0));
                args = params.subList(1, params.size());
            }
            if (async && !ASYNC_CAPABLE.contains(m.name())) {
                // Checked in do_dispatch after the session check; gen_api.ml response_of_fault. The
                // name is the one dispatch_call matched, i.e. without the Async. prefix.
                throw new XapiFailure("Fault", "No async mode for this operation (rpc: " + m.name() + ")");
            }
            if (async) return startTask(self, session, m, List.copyOf(args));
        }
        return execute(self, session, m, args, null);
    }

    /** Blocks (bounded) until a slave can reach its master; caller holds the lock. */
    private void awaitMasterDb(SimHost self, String name) {
        if (self.role.master()) return;
        boolean ok = pool.awaitLocked(self, () -> pool.masterReachableFrom(self) || self.emergencyMode,
                pool.slaveDbWaitMax());
        if (self.emergencyMode && !EMERGENCY_CALLS.contains(name)) {
            List<String> e = self.emergencyError;
            throw new XapiFailure(e.get(0), e.subList(1, e.size()).toArray(new String[0]));
        }
        if (!ok) {
            throw new XapiFailure("INTERNAL_ERROR",
                    "Master_connection.Goto_handler: no answer from the master at " + self.role.masterAddress());
        }
    }

    /**
     * The implementation step: injected failures, the handler under the lock, then its outside-lock
     * work and sleeps. Returns the value or throws the XapiFailure.
     */
    private Object execute(SimHost self, SimPool.SimSession session, Method m, List<Object> args, String taskRef) {
        Ctx ctx = new Ctx(self);
        ctx.session = session;
        ctx.taskRef = taskRef;
        Object value;
        synchronized (pool.lock()) {
            try {
                List<String> injected = pool.injectedFailure(self.uuid, m.name());
                if (injected != null) {
                    throw new XapiFailure(injected.get(0), injected.subList(1, injected.size()).toArray(new String[0]));
                }
                value = m.handler().handle(ctx, args);
            } finally {
                pool.changed();
            }
        }
        if (ctx.outsideLock != null) value = ctx.outsideLock.get();
        if (ctx.vmStart) pool.startBegan();
        try {
            if (!ctx.sleepAfter.isZero()) sleep(ctx.sleepAfter);
        } finally {
            if (ctx.vmStart) pool.startEnded();
        }
        if (ctx.failAfterSleep != null) throw ctx.failAfterSleep;
        return value;
    }

    // ---------------------------------------------------------------- Async.* and task (§2.6)

    /** Creates the task (pending) and runs the call in the background; caller holds the lock. */
    private String startTask(SimHost self, SimPool.SimSession session, Method m, List<Object> args) {
        SimHost master = pool.master();
        SimTask task = new SimTask(SimPool.newRef(), ASYNC + m.name(), master == null ? SimPool.NULL_REF : master.ref, Instant.now());
        pool.tasks.put(task.ref, task);
        pool.changed();
        pool.background.submit(() -> {
            Object value = null;
            List<String> error = null;
            try {
                value = execute(self, session, m, args, task.ref);
            } catch (XapiFailure f) {
                error = f.description();
            } catch (RuntimeException e) {
                error = List.of("INTERNAL_ERROR", e.toString());
            }
            synchronized (pool.lock()) {
                if (pool.tasks.get(task.ref) != task) return; // lost with a master restart, or destroyed
                task.finished = Instant.now();
                if (task.cancelRequested) {
                    task.status = "cancelled";
                    task.errorInfo = List.of("TASK_CANCELLED", task.ref);
                } else if (error == null) {
                    task.status = "success";
                    task.progress = 1.0;
                    task.result = xmlValue(value);
                } else {
                    task.status = "failure";
                    task.errorInfo = error;
                }
                pool.changed();
            }
        });
        return task.ref;
    }

    /** task.result holds the XML-RPC serialisation of the value: "<value></value>" for void (§2.6). */
    static String xmlValue(Object v) {
        StringBuilder sb = new StringBuilder();
        appendXml(sb, v);
        return sb.toString();
    }

    private static void appendXml(StringBuilder sb, Object v) {
        if (v == null || v instanceof String) {
            sb.append("<value>").append(escape(v == null ? "" : (String) v)).append("</value>");
        } else if (v instanceof Boolean b) {
            sb.append("<value><boolean>").append(b ? '1' : '0').append("</boolean></value>");
        } else if (v instanceof Double d) {
            sb.append("<value><double>").append(d).append("</double></value>");
        } else if (v instanceof Map<?, ?> map) {
            sb.append("<value><struct>");
            for (Map.Entry<?, ?> e : map.entrySet()) {
                sb.append("<member><name>").append(escape(String.valueOf(e.getKey()))).append("</name>");
                appendXml(sb, e.getValue());
                sb.append("</member>");
            }
            sb.append("</struct></value>");
        } else if (v instanceof Collection<?> c) {
            sb.append("<value><array><data>");
            for (Object o : c) appendXml(sb, o);
            sb.append("</data></array></value>");
        } else {
            sb.append("<value>").append(escape(String.valueOf(v))).append("</value>");
        }
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private SimTask task(Object ref) {
        SimTask t = pool.tasks.get(str(ref));
        if (t == null) throw new XapiFailure("HANDLE_INVALID", "task", str(ref));
        return t;
    }

    private void registerTask() {
        register("task.get_all", 0, (ctx, a) -> new ArrayList<>(pool.tasks.keySet()));
        register("task.get_all_records", 0, (ctx, a) -> {
            Map<String, Object> all = new LinkedHashMap<>();
            for (SimTask t : pool.tasks.values()) all.put(t.ref, SimRecords.task(t));
            return all;
        });
        register("task.get_record", 1, (ctx, a) -> SimRecords.task(task(a.get(0))));
        register("task.get_status", 1, (ctx, a) -> task(a.get(0)).status);
        register("task.get_result", 1, (ctx, a) -> task(a.get(0)).result);
        register("task.get_error_info", 1, (ctx, a) -> List.copyOf(task(a.get(0)).errorInfo));
        register("task.get_progress", 1, (ctx, a) -> task(a.get(0)).progress);
        register("task.get_name_label", 1, (ctx, a) -> task(a.get(0)).nameLabel);
        register("task.get_uuid", 1, (ctx, a) -> task(a.get(0)).uuid);
        register("task.cancel", 1, (ctx, a) -> {
            // Cooperative: a pending task ends as cancelled when its call returns; a finished one is unaffected.
            SimTask t = task(a.get(0));
            if (t.status.equals("pending")) {
                t.cancelRequested = true;
                t.status = "cancelling";
            }
            return "";
        });
        register("task.destroy", 1, (ctx, a) -> {
            pool.tasks.remove(task(a.get(0)).ref);
            return "";
        });
    }

    // ---------------------------------------------------------------- event.from (§2.7)

    private static final java.util.regex.Pattern TOKEN = java.util.regex.Pattern.compile("(\\d+),(\\d+)");

    private void registerEvent() {
        register("event.from", 3, (ctx, a) -> eventFrom(ctx, a.get(0), str(a.get(1)), a.get(2)));
    }

    private Object eventFrom(Ctx ctx, Object classesArg, String token, Object timeoutArg) {
        long from;
        if (token.isEmpty()) {
            from = 0;
        } else {
            java.util.regex.Matcher tm = TOKEN.matcher(token.trim());
            if (!tm.matches()) throw new XapiFailure("EVENT_FROM_TOKEN_PARSE_FAILURE", token);
            try {
                from = Long.parseLong(tm.group(1));
            } catch (NumberFormatException e) {
                throw new XapiFailure("EVENT_FROM_TOKEN_PARSE_FAILURE", token);
            }
        }
        List<String> classes = new ArrayList<>();
        if (classesArg instanceof Collection<?> c) {
            for (Object o : c) classes.add(String.valueOf(o));
        } else {
            classes.add(String.valueOf(classesArg));
        }
        double timeout;
        try {
            timeout = timeoutArg instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(timeoutArg));
        } catch (NumberFormatException e) {
            throw new XapiFailure("INTERNAL_ERROR", "timeout is not a float: " + timeoutArg);
        }
        Duration wait = Duration.ofMillis(Math.max(0, Math.round(timeout * 1000)));
        List<Map<String, Object>> events = new ArrayList<>();
        // Blocks until a matching change or the timeout; waiting releases the pool lock.
        pool.awaitLocked(ctx.self, () -> {
            pool.commit();
            events.clear();
            events.addAll(collectEvents(classes, from));
            return !events.isEmpty();
        }, wait);
        Map<String, Object> counts = new LinkedHashMap<>();
        // int32 counts: the only <i4> xapi emits (§1.2); Integer marks them for the codecs.
        counts.put("pool", 1);
        counts.put("host", pool.hosts.size());
        counts.put("host_metrics", pool.hosts.size());
        counts.put("vm", pool.vms.size());
        counts.put("vm_appliance", pool.appliances.size());
        counts.put("task", pool.tasks.size());
        counts.put("message", 0);
        Map<String, Object> batch = new LinkedHashMap<>();
        batch.put("events", events);
        batch.put("valid_ref_counts", counts);
        batch.put("token", String.format("%020d,%020d", pool.generation(), 0L));
        return batch;
    }

    /** xapi_event.ml collect_events: one event per matching object changed after {@code from}, oldest first. */
    private List<Map<String, Object>> collectEvents(List<String> classes, long from) {
        List<SimPool.Tracked> changed = new ArrayList<>();
        for (SimPool.Tracked t : pool.tracked.values()) {
            if (Math.max(t.modified, t.deleted) <= from || !subscribed(classes, t)) continue;
            if (t.deleted != 0 && t.created > from) continue; // created and deleted within the window
            changed.add(t);
        }
        changed.sort(java.util.Comparator.comparingLong(t -> Math.max(t.modified, t.deleted)));
        List<Map<String, Object>> events = new ArrayList<>();
        for (SimPool.Tracked t : changed) {
            Map<String, Object> e = new LinkedHashMap<>();
            String op = t.deleted != 0 ? "del" : t.created > from ? "add" : "mod";
            e.put("id", Long.toString(Math.max(t.modified, t.deleted)));
            e.put("timestamp", "0.0");
            e.put("class", t.cls);
            e.put("operation", op);
            e.put("ref", t.ref);
            if (!op.equals("del")) e.put("snapshot", t.snapshot);
            events.add(e);
        }
        return events;
    }

    private static boolean subscribed(List<String> classes, SimPool.Tracked t) {
        for (String c : classes) {
            if (c.equals("*")) return true;
            int slash = c.indexOf('/');
            if (slash < 0) {
                if (c.equalsIgnoreCase(t.cls)) return true;
            } else if (c.substring(0, slash).equalsIgnoreCase(t.cls) && c.substring(slash + 1).equals(t.ref)) {
                return true;
            }
        }
        return false;
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
        register("pool.get_all_records", 0, (ctx, a) -> Map.of(pool.poolRef, SimRecords.pool(pool)));
        register("pool.get_record", 1, (ctx, a) -> {
            checkPool(a.get(0));
            return SimRecords.pool(pool);
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
        register("pool.emergency_reset_master", 1, (ctx, a) -> {
            String address = str(a.get(0));
            if (!ctx.self.role.master() && address.equals(ctx.self.role.masterAddress())) return "";
            pool.scheduleResetMaster(ctx.self, address);
            return "";
        });
        register("pool.recover_slaves", 0, (ctx, a) -> {
            if (!ctx.self.role.master()) throw new XapiFailure("HOST_IS_SLAVE", ctx.self.role.masterAddress());
            List<String> recovered = new ArrayList<>();
            for (SimHost h : pool.hosts.values()) {
                // Dead, hung or partitioned hosts cannot be contacted; their failures are silently dropped.
                if (h == ctx.self || !pool.reachable(ctx.self, h)) continue;
                h.role = HostRole.slaveOf(ctx.self.address);
                h.configuredRole = h.role;
                // It restarts, says pool.hello and is live again.
                h.emergencyMode = false;
                h.emergencyForced = false;
                pool.setLive(h, true);
                recovered.add(h.ref);
            }
            return recovered;
        });
        register("pool.is_slave", 1, (ctx, a) -> !ctx.self.role.master());
    }

    private void checkPool(Object ref) {
        if (!pool.poolRef.equals(str(ref))) throw new XapiFailure("HANDLE_INVALID", "pool", str(ref));
    }

    // ---------------------------------------------------------------- host, host_metrics

    private void registerHost() {
        register("host.get_all", 0, (ctx, a) -> new ArrayList<>(pool.hosts.keySet()));
        register("host.get_all_records", 0, (ctx, a) -> {
            Map<String, Object> all = new LinkedHashMap<>();
            for (SimHost h : pool.hosts.values()) all.put(h.ref, SimRecords.host(pool, h));
            return all;
        });
        register("host.get_other_config", 1, (ctx, a) -> new LinkedHashMap<>(host(a.get(0)).otherConfig));
        register("host.add_to_other_config", 3, (ctx, a) -> {
            SimHost h = host(a.get(0));
            addToMap(h.otherConfig, "host", h.ref, a);
            return "";
        });
        register("host.remove_from_other_config", 2, (ctx, a) -> {
            host(a.get(0)).otherConfig.remove(str(a.get(1)));
            return "";
        });
        register("host.get_record", 1, (ctx, a) -> SimRecords.host(pool, host(a.get(0))));
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
        register("host.get_resident_VMs", 1, (ctx, a) -> SimRecords.residentVms(pool, host(a.get(0))));
        register("host.get_API_version_major", 1, (ctx, a) -> {
            host(a.get(0));
            return 2L;
        });
        register("host.get_API_version_minor", 1, (ctx, a) -> {
            host(a.get(0));
            return 14L;
        });
        register("host.is_in_emergency_mode", 0, (ctx, a) -> ctx.self.emergencyMode);
        methods.put("host.disable", new Method("host.disable", true, 1, 1, (ctx, a) -> {
            SimHost h = host(a.get(0));
            forward(h);
            h.enabled = false;
            return "";
        }));
        register("host.enable", 1, (ctx, a) -> {
            SimHost h = host(a.get(0));
            forward(h);
            h.enabled = true;
            return "";
        });
        register("host.declare_dead", 1, (ctx, a) -> {
            // xapi_host.ml declare_dead: contact the host first; then reset its guests and disable it in the DB.
            SimHost h = host(a.get(0));
            SimHost master = pool.master();
            if (h == master || pool.reachable(master, h)) throw new XapiFailure("HOST_IS_LIVE", h.ref);
            for (SimVm vm : pool.vms.values()) {
                if (!vm.isControlDomain && vm.residentOn.equals(h.ref)) vm.markHalted();
                // The host-pre-declare-dead hook runs resetvdis.py for the host's SRs.
                if (!vm.isControlDomain) vm.detachFrom(h.ref);
            }
            h.enabled = false;
            return "";
        });
        register("host_metrics.get_uuid", 1, (ctx, a) -> hostOfMetrics(a.get(0)).metricsUuid);
        register("host_metrics.get_live", 1, (ctx, a) -> hostOfMetrics(a.get(0)).live);
        register("host_metrics.get_record", 1, (ctx, a) -> SimRecords.metrics(pool, hostOfMetrics(a.get(0))));
        register("host_metrics.get_all_records", 0, (ctx, a) -> {
            Map<String, Object> all = new LinkedHashMap<>();
            for (SimHost h : pool.hosts.values()) all.put(h.metricsRef, SimRecords.metrics(pool, h));
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

    // ---------------------------------------------------------------- VM

    private void registerVm() {
        register("VM.get_all", 0, (ctx, a) -> new ArrayList<>(pool.vms.keySet()));
        register("VM.get_all_records", 0, (ctx, a) -> {
            Map<String, Object> all = new LinkedHashMap<>();
            for (SimVm vm : pool.vms.values()) all.put(vm.ref, SimRecords.vm(vm));
            return all;
        });
        register("VM.get_record", 1, (ctx, a) -> SimRecords.vm(vm(a.get(0))));
        register("VM.get_by_uuid", 1, (ctx, a) -> {
            String uuid = str(a.get(0));
            for (SimVm vm : pool.vms.values()) {
                if (vm.uuid.equals(uuid)) return vm.ref;
            }
            throw new XapiFailure("UUID_INVALID", "VM", uuid);
        });
        register("VM.get_by_name_label", 1, (ctx, a) -> {
            List<String> refs = new ArrayList<>();
            for (SimVm vm : pool.vms.values()) {
                if (vm.name.equals(str(a.get(0)))) refs.add(vm.ref);
            }
            return refs;
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
            forward(target);
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
            forward(target);
            start(ctx, vm, target, bool(a.get(2)));
            return "";
        });
        register("VM.hard_shutdown", 1, (ctx, a) -> {
            SimVm vm = vm(a.get(0));
            if (vm.powerState.equals("Halted")) {
                throw new XapiFailure("VM_BAD_POWER_STATE", vm.ref, "paused, suspended, running", "halted");
            }
            SimHost h = pool.hosts.get(vm.residentOn);
            if (h != null) forward(h); // a Suspended VM has no host and needs no forwarding
            if (h != null) h.domains.remove(vm.uuid);
            if (h != null) vm.detachFrom(h.ref);
            vm.markHalted();
            vm.haAlwaysRun = false;
            ctx.sleepAfter = Duration.ofSeconds(vm.shutdownDelay);
            return "";
        });
    }

    /**
     * message_forwarding.ml do_op_on from the master: HOST_OFFLINE if the target is not live, then
     * CANNOT_CONTACT_HOST if it cannot be reached (powered off, xapi down or hung, partitioned).
     */
    private void forward(SimHost target) {
        SimHost master = pool.master();
        if (target == master) return;
        if (!target.live) throw new XapiFailure("HOST_OFFLINE", target.ref);
        if (!pool.reachable(master, target)) throw new XapiFailure("CANNOT_CONTACT_HOST", target.ref);
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
            if (h.live && pool.reachable(pool.master(), h)) throw new XapiFailure("HOST_IS_LIVE", h.ref);
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
        List<String> injected = pool.injectedStartFailure(target.uuid);
        if (injected != null) {
            throw new XapiFailure(injected.get(0), injected.subList(1, injected.size()).toArray(new String[0]));
        }
        // The storage manager's attach: a disk another host still has attached RW is not available.
        for (String key : vm.vdiSmConfig.keySet()) {
            if (key.startsWith("host_") && !key.equals("host_" + target.ref)) {
                throw new XapiFailure("SR_BACKEND_FAILURE_46", "",
                        "The VDI is not available [opterr=VDI " + vm.vdiUuid + " already attached RW]", "");
            }
        }
        if (vm.vdiRef != null) vm.vdiSmConfig.put("host_" + target.ref, "RW");
        vm.powerState = paused ? "Paused" : "Running";
        vm.residentOn = target.ref;
        target.domains.add(vm.uuid);
        vm.domid = pool.nextDomid();
        if ("restart".equals(vm.haRestartPriority)) vm.haAlwaysRun = true;
        vm.startCount++;
        vm.lastStartedAt = Instant.now();
        // xapi sleeps start_delay before replying; done outside the lock.
        ctx.sleepAfter = Duration.ofSeconds(vm.startDelay);
        ctx.vmStart = true;
    }

    // ---------------------------------------------------------------- VBD and VDI (a guest's one disk)

    private SimVm byVbd(Object ref) {
        for (SimVm vm : pool.vms.values()) if (str(ref).equals(vm.vbdRef)) return vm;
        throw new XapiFailure("HANDLE_INVALID", "VBD", str(ref));
    }

    private SimVm byVdi(Object ref) {
        for (SimVm vm : pool.vms.values()) if (str(ref).equals(vm.vdiRef)) return vm;
        throw new XapiFailure("HANDLE_INVALID", "VDI", str(ref));
    }

    private void registerDisks() {
        register("VM.get_VBDs", 1, (ctx, a) -> {
            SimVm vm = vm(a.get(0));
            return vm.vbdRef == null ? List.of() : List.of(vm.vbdRef);
        });
        register("VBD.get_uuid", 1, (ctx, a) -> byVbd(a.get(0)).vbdUuid);
        register("VBD.get_VM", 1, (ctx, a) -> byVbd(a.get(0)).ref);
        register("VBD.get_VDI", 1, (ctx, a) -> byVbd(a.get(0)).vdiRef);
        register("VBD.get_type", 1, (ctx, a) -> { byVbd(a.get(0)); return "Disk"; });
        register("VBD.get_empty", 1, (ctx, a) -> { byVbd(a.get(0)); return false; });
        register("VDI.get_uuid", 1, (ctx, a) -> byVdi(a.get(0)).vdiUuid);
        register("VDI.get_by_uuid", 1, (ctx, a) -> {
            for (SimVm vm : pool.vms.values()) if (str(a.get(0)).equals(vm.vdiUuid)) return vm.vdiRef;
            throw new XapiFailure("UUID_INVALID", "VDI", str(a.get(0)));
        });
        register("VDI.get_sm_config", 1, (ctx, a) -> new LinkedHashMap<>(byVdi(a.get(0)).vdiSmConfig));
        register("VDI.remove_from_sm_config", 2, (ctx, a) -> {
            byVdi(a.get(0)).vdiSmConfig.remove(str(a.get(1)));
            return "";
        });
    }

    // ---------------------------------------------------------------- VM_appliance (§2.5)

    private SimAppliance appliance(Object ref) {
        SimAppliance app = pool.appliances.get(str(ref));
        if (app == null) throw new XapiFailure("HANDLE_INVALID", "VM_appliance", str(ref));
        return app;
    }

    private void registerAppliance() {
        register("VM_appliance.get_all", 0, (ctx, a) -> new ArrayList<>(pool.appliances.keySet()));
        register("VM_appliance.get_all_records", 0, (ctx, a) -> {
            Map<String, Object> all = new LinkedHashMap<>();
            for (SimAppliance app : pool.appliances.values()) all.put(app.ref, SimRecords.appliance(pool, app));
            return all;
        });
        register("VM_appliance.get_record", 1, (ctx, a) -> SimRecords.appliance(pool, appliance(a.get(0))));
        register("VM_appliance.get_by_uuid", 1, (ctx, a) -> {
            for (SimAppliance app : pool.appliances.values()) {
                if (app.uuid.equals(str(a.get(0)))) return app.ref;
            }
            throw new XapiFailure("UUID_INVALID", "VM_appliance", str(a.get(0)));
        });
        register("VM_appliance.get_VMs", 1, (ctx, a) -> SimRecords.applianceVms(pool, appliance(a.get(0))));
        register("VM_appliance.start", 2, this::applianceStart);
    }

    /**
     * xapi_vm_appliance.ml start: prechecks, then the VMs not yet in the target state grouped by
     * {@code order} ascending, each group started in parallel (each VM.start sleeps its start_delay, which
     * gates the next group); any VM not in the target state at the end → OPERATION_PARTIALLY_FAILED.
     */
    private Object applianceStart(Ctx ctx, List<Object> a) {
        SimAppliance app = appliance(a.get(0));
        boolean paused = bool(a.get(1));
        if (!app.currentOperations.isEmpty()) {
            Map.Entry<String, String> op = app.currentOperations.entrySet().iterator().next();
            throw new XapiFailure("OTHER_OPERATION_IN_PROGRESS", "VM_appliance", app.ref, op.getValue(), op.getKey());
        }
        List<SimVm> members = new ArrayList<>();
        for (SimVm vm : pool.vms.values()) {
            if (vm.appliance.equals(app.ref)) members.add(vm);
        }
        if (members.isEmpty()) throw new XapiFailure("OPERATION_NOT_ALLOWED", "Appliance has no VMs.");
        if (members.stream().noneMatch(vm -> vm.powerState.equals("Halted"))) {
            throw new XapiFailure("OPERATION_NOT_ALLOWED", "There are no halted VMs in this appliance.");
        }
        String target = paused ? "Paused" : "Running";
        TreeMap<Long, List<String>> groups = new TreeMap<>();
        for (SimVm vm : members) {
            if (!vm.powerState.equals(target)) groups.computeIfAbsent(vm.order, k -> new ArrayList<>()).add(vm.ref);
        }
        String opKey = ctx.taskRef != null ? ctx.taskRef : SimPool.newRef();
        app.currentOperations.put(opKey, "start");
        List<String> memberRefs = members.stream().map(vm -> vm.ref).toList();
        Method vmStart = methods.get("VM.start");
        SimHost self = ctx.self;
        ctx.outsideLock = () -> {
            try {
                for (List<String> group : groups.values()) {
                    List<Future<?>> running = new ArrayList<>();
                    for (String ref : group) {
                        running.add(pool.background.submit(() -> {
                            try {
                                execute(self, null, vmStart, List.of(ref, paused, false), null);
                            } catch (XapiFailure ignored) {
                                // Reported below as OPERATION_PARTIALLY_FAILED.
                            }
                        }));
                    }
                    for (Future<?> f : running) {
                        try {
                            f.get();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new XapiFailure("INTERNAL_ERROR", "interrupted");
                        } catch (java.util.concurrent.ExecutionException e) {
                            // Already turned into a VM left halted.
                        }
                    }
                }
            } finally {
                synchronized (pool.lock()) {
                    app.currentOperations.remove(opKey);
                    pool.changed();
                }
            }
            synchronized (pool.lock()) {
                List<String> failed = new ArrayList<>(List.of("VM_appliance.start"));
                for (String ref : memberRefs) {
                    SimVm vm = pool.vms.get(ref);
                    if (vm == null || !vm.powerState.equals(target)) failed.add(ref);
                }
                if (failed.size() > 1) {
                    throw new XapiFailure("OPERATION_PARTIALLY_FAILED", failed.toArray(new String[0]));
                }
            }
            return "";
        };
        return "";
    }

    // ---------------------------------------------------------------- message (pool alerts, XenCenter's Alerts)

    private static final Set<String> MESSAGE_CLASSES =
            Set.of("VM", "Host", "SR", "Pool", "VMPP", "VMSS", "PVS_proxy", "VDI", "Certificate");

    private void registerMessage() {
        register("message.create", 5, (ctx, a) -> {
            String cls = str(a.get(2));
            String objUuid = str(a.get(3));
            long priority;
            try {
                priority = Long.parseLong(str(a.get(1)));
            } catch (NumberFormatException e) {
                throw new XapiFailure("FIELD_TYPE_ERROR", "priority");
            }
            if (!MESSAGE_CLASSES.contains(cls)) throw new XapiFailure("INVALID_VALUE", "cls", cls);
            boolean exists = switch (cls) {
                case "Pool" -> pool.poolUuid.equals(objUuid);
                case "Host" -> pool.hosts.values().stream().anyMatch(h -> h.uuid.equals(objUuid));
                case "VM" -> pool.vms.values().stream().anyMatch(v -> v.uuid.equals(objUuid));
                default -> true;
            };
            if (!exists) throw new XapiFailure("UUID_INVALID", cls.toLowerCase(java.util.Locale.ROOT), objUuid);
            SimPool.SimMessage m = new SimPool.SimMessage(SimPool.newRef(), java.util.UUID.randomUUID().toString(),
                    str(a.get(0)), priority, cls, objUuid, Instant.now(), str(a.get(4)));
            pool.messages.put(m.ref(), m);
            return m.ref();
        });
        register("message.get_all", 0, (ctx, a) -> new ArrayList<>(pool.messages.keySet()));
        register("message.get_all_records", 0, (ctx, a) -> {
            Map<String, Object> all = new LinkedHashMap<>();
            for (SimPool.SimMessage m : pool.messages.values()) all.put(m.ref(), SimRecords.message(m));
            return all;
        });
        register("message.destroy", 1, (ctx, a) -> {
            if (pool.messages.remove(str(a.get(0))) == null) throw new XapiFailure("HANDLE_INVALID", "message", str(a.get(0)));
            return "";
        });
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
