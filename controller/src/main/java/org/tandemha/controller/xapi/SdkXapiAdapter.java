package org.tandemha.controller.xapi;

import com.xensource.xenapi.Connection;
import com.xensource.xenapi.Event;
import com.xensource.xenapi.EventBatch;
import com.xensource.xenapi.Host;
import com.xensource.xenapi.HostMetrics;
import com.xensource.xenapi.Pool;
import com.xensource.xenapi.Session;
import com.xensource.xenapi.Task;
import com.xensource.xenapi.Types;
import com.xensource.xenapi.VBD;
import com.xensource.xenapi.VDI;
import com.xensource.xenapi.VM;
import com.xensource.xenapi.VMAppliance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.xmlrpc.XmlRpcException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tandemha.actors.port.Clock;
import org.tandemha.actors.port.XapiFailure;
import org.tandemha.actors.port.XapiPort;
import org.tandemha.actors.port.XapiUnreachable;
import org.tandemha.protocol.HostId;
import org.tandemha.protocol.HostView;
import org.tandemha.protocol.PoolId;
import org.tandemha.protocol.PoolSnapshot;
import org.tandemha.protocol.VmId;
import org.tandemha.protocol.VmView;

/**
 * {@link XapiPort} over the xen-api Java SDK 8.1.0 (XML-RPC). Talks to the pool master, which it finds by
 * following HOST_IS_SLAVE from this node's own host, as real clients do (same scheme and port). Every call
 * is bounded by the SDK connection's reply and connect timeouts; errors become {@link XapiFailure} with
 * XAPI's own code, or {@link XapiUnreachable}.
 */
public final class SdkXapiAdapter implements XapiPort {
  private static final Logger log = LoggerFactory.getLogger(SdkXapiAdapter.class);

  /** How to reach XAPI; {@code selfAddress} is this node's own host's management address. */
  public record Endpoint(String scheme, int port, String selfAddress, String user, String password,
                         Duration callTimeout, Duration connectTimeout, Duration probeTimeout,
                         XapiConnections.Security security) {
    @Override public String toString() {   // never the password
      return scheme + "://" + selfAddress + ":" + port + " as " + user;
    }
  }

  @FunctionalInterface
  private interface Call<T> { T run(Connection c) throws Exception; }

  private static final Set<String> EVENT_CLASSES = Set.of("pool", "host", "VM");

  private final Endpoint endpoint;
  private final Clock clock;
  private final XapiConnections connections;
  private volatile String masterAddress;
  private Connection master;   // guarded by this
  private Connection events;   // guarded by this; its own session and a reply bound longer than the wait

  public SdkXapiAdapter(Endpoint endpoint, Clock clock) {
    this.endpoint = endpoint;
    this.clock = clock;
    this.connections = new XapiConnections(endpoint.scheme(), endpoint.port(), endpoint.security());
    this.masterAddress = endpoint.selfAddress();
  }

  @Override public PoolSnapshot readPool() {
    java.time.Instant began = clock.now();
    return withMaster("read pool", c -> {
      Pool pool = Pool.getAll(c).iterator().next();
      Pool.Record pr = pool.getRecord(c);
      Map<Host, Host.Record> hostRecords = Host.getAllRecords(c);
      Map<String, HostId> hostIds = new HashMap<>();
      List<HostView> hosts = new ArrayList<>();
      for (Map.Entry<Host, Host.Record> e : hostRecords.entrySet()) {
        Host.Record h = e.getValue();
        HostId id = new HostId(h.uuid);
        hostIds.put(e.getKey().toWireString(), id);
        HostMetrics.Record m = h.metrics != null && !h.metrics.isNull() ? h.metrics.getRecord(c) : null;
        boolean live = m != null && Boolean.TRUE.equals(m.live);
        long free = m != null && m.memoryFree != null ? Math.max(0, m.memoryFree) : 0;
        hosts.add(new HostView(id, nz(h.nameLabel), nz(h.address), Boolean.TRUE.equals(h.enabled), live,
            h.otherConfig == null ? Map.of() : h.otherConfig, free));
      }
      Map<String, String> applianceUuids = new HashMap<>();
      List<PoolSnapshot.Appliance> appliances = new ArrayList<>();
      for (Map.Entry<VMAppliance, VMAppliance.Record> e : VMAppliance.getAllRecords(c).entrySet()) {
        if (e.getValue().uuid == null) {
          throw new XapiFailure("VM_appliance.get_all_records", "INCONSISTENT_REPLY",
              List.of("appliance " + e.getKey().toWireString() + " without a uuid"));
        }
        applianceUuids.put(e.getKey().toWireString(), e.getValue().uuid);
        appliances.add(new PoolSnapshot.Appliance(e.getValue().uuid, nz(e.getValue().nameLabel)));
      }
      List<VmView> vms = new ArrayList<>();
      for (VM.Record v : VM.getAllRecords(c).values()) {
        Optional<HostId> on = v.residentOn == null || v.residentOn.isNull() ? Optional.empty()
            : Optional.ofNullable(hostIds.get(v.residentOn.toWireString()));
        vms.add(new VmView(new VmId(v.uuid), nz(v.nameLabel), powerState(v.powerState), on,
            Boolean.TRUE.equals(v.isControlDomain), Boolean.TRUE.equals(v.isATemplate),
            Boolean.TRUE.equals(v.isASnapshot), v.order == null ? 0 : v.order,
            v.otherConfig == null ? Map.of() : v.otherConfig,
            v.affinity == null || v.affinity.isNull() ? Optional.empty()
                : Optional.ofNullable(hostIds.get(v.affinity.toWireString())),
            v.appliance == null || v.appliance.isNull() ? Optional.empty()
                : Optional.ofNullable(applianceUuids.get(v.appliance.toWireString())),
            v.currentOperations != null && !v.currentOperations.isEmpty()));
      }
      HostId masterId = hostIds.get(pr.master.toWireString());
      if (masterId == null) throw new XapiFailure("pool.get_record", "INCONSISTENT_REPLY", List.of("master not in host list"));
      return new PoolSnapshot(new PoolId(pr.uuid), masterId, pr.otherConfig == null ? Map.of() : pr.otherConfig,
          hosts, vms, began, Boolean.TRUE.equals(pr.haEnabled), appliances);
    });
  }

  /** XAPI's wire string (Running, Halted, ...), as the SDK's enum names are upper case. */
  private static String powerState(Types.VmPowerState s) {
    if (s == null) return "Unknown";
    String n = s.name().toLowerCase();
    return Character.toUpperCase(n.charAt(0)) + n.substring(1);
  }

  private static String nz(String s) { return s == null ? "" : s; }

  @Override public void createPoolMessage(String name, long priority, String body) {
    withMaster("message.create " + name, c -> {
      Pool pool = Pool.getAll(c).iterator().next();
      com.xensource.xenapi.Message.create(c, name, priority, com.xensource.xenapi.Types.Cls.POOL, pool.getUuid(c), body);
      return null;
    });
  }

  @Override public void setPoolOtherConfig(String key, String value) {
    withMaster("pool other-config " + key, c -> {
      Pool pool = Pool.getAll(c).iterator().next();
      pool.removeFromOtherConfig(c, key);   // a missing key is a silent success
      pool.addToOtherConfig(c, key, value);
      return null;
    });
  }

  @Override public void disableHost(HostId host) {
    withMaster("host.disable", c -> {
      Host.getByUuid(c, host.uuid()).disable(c);
      return null;
    });
  }

  @Override public void enableHost(HostId host) {
    withMaster("host.enable", c -> {
      Host.getByUuid(c, host.uuid()).enable(c);
      return null;
    });
  }

  @Override public void setHostOtherConfig(HostId host, String key, String value) {
    withMaster("host other-config " + key, c -> {
      Host h = Host.getByUuid(c, host.uuid());
      h.removeFromOtherConfig(c, key);
      h.addToOtherConfig(c, key, value);
      return null;
    });
  }

  @Override public void setVmOtherConfig(VmId vm, String key, String value) {
    withMaster("VM other-config " + key, c -> {
      VM v = VM.getByUuid(c, vm.uuid());
      v.removeFromOtherConfig(c, key);
      v.addToOtherConfig(c, key, value);
      return null;
    });
  }

  @Override public boolean probe(String address) {
    Connection c = connection(address, endpoint.probeTimeout(), endpoint.probeTimeout());
    try {
      Session.loginWithPassword(c, endpoint.user(), endpoint.password());
      try { Session.logout(c); } catch (Exception ignored) { /* the answer is what counted */ }
      return true;
    } catch (Types.XenAPIException e) {
      return true;    // HOST_IS_SLAVE, auth failure...: xapi is there and answering
    } catch (Exception e) {
      return false;
    }
  }

  @Override public boolean localHostIsMaster() {
    Connection c = connection(endpoint.selfAddress(), endpoint.callTimeout(), endpoint.connectTimeout());
    try {
      Session.loginWithPassword(c, endpoint.user(), endpoint.password());
      try { Session.logout(c); } catch (Exception ignored) { /* logged in: that was the question */ }
      return true;
    } catch (Types.HostIsSlave e) {
      return false;
    } catch (Types.XenAPIException e) {
      throw failure("session.login_with_password", e);
    } catch (Exception e) {
      throw new XapiUnreachable(endpoint.selfAddress(), e);
    }
  }

  @Override public void emergencyTransitionToMaster() {
    String self = endpoint.selfAddress();
    Connection c = connection(self, endpoint.callTimeout(), endpoint.connectTimeout());
    try {
      // A slave with a dead master only takes slave-local sessions.
      Session.slaveLocalLoginWithPassword(c, endpoint.user(), endpoint.password());
      Pool.emergencyTransitionToMaster(c);
      log.info("xapi: pool.emergency_transition_to_master accepted by {}", self);
    } catch (Types.XenAPIException e) {
      throw failure("pool.emergency_transition_to_master", e);
    } catch (XmlRpcException e) {
      throw new XapiUnreachable(self, e);
    }
    synchronized (this) {
      master = null;           // every session dies with the xapi restart
      masterAddress = self;
    }
  }

  @Override public List<HostId> recoverSlaves() {
    return withMaster("pool.recover_slaves", c -> {
      List<HostId> out = new ArrayList<>();
      for (Host h : Pool.recoverSlaves(c)) out.add(new HostId(h.getUuid(c)));
      return out;
    });
  }

  @Override public void powerStateReset(VmId vm) {
    withMaster("VM.power_state_reset", c -> {
      VM.getByUuid(c, vm.uuid()).powerStateReset(c);
      return null;
    });
  }

  /**
   * How long a VM or vApp start may run. xapi replies to VM.start only after the domain is built and its
   * start_delay slept, and to VM_appliance.start after every group: far beyond one call's bound, so starts run
   * as Async tasks polled with short calls, each bounded as usual.
   */
  static final Duration START_TIMEOUT = Duration.ofMinutes(15);
  private static final Duration TASK_POLL = Duration.ofMillis(50);

  @Override public void startOn(VmId vm, HostId host) {
    Task task = withMaster("Async.VM.start_on", c ->
        VM.getByUuid(c, vm.uuid()).startOnAsync(c, Host.getByUuid(c, host.uuid()), false, false));
    awaitTask("VM.start_on", task);
  }

  /**
   * Waits for an Async call's task: success returns, failure becomes the XapiFailure xapi would have replied,
   * and a task still pending after {@link #START_TIMEOUT} is cancelled and reported unreachable.
   */
  private void awaitTask(String call, Task task) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      Types.TaskStatusType status = withMaster("task.get_status", task::getStatus);
      if (status == null || status == Types.TaskStatusType.UNRECOGNIZED) {
        throw new XapiFailure(call, "INCONSISTENT_REPLY", List.of("task status unreadable: " + status));
      }
      if (status == Types.TaskStatusType.SUCCESS) {
        forgetTask(task);
        return;
      }
      if (status == Types.TaskStatusType.FAILURE || status == Types.TaskStatusType.CANCELLED) {
        List<String> info = new ArrayList<>(withMaster("task.get_error_info", task::getErrorInfo));
        forgetTask(task);
        if (info.isEmpty()) info.add(status == Types.TaskStatusType.CANCELLED ? "TASK_CANCELLED" : "UNKNOWN_ERROR");
        throw new XapiFailure(call, info.get(0), info.subList(1, info.size()));
      }
      if (System.nanoTime() > deadline) {
        try { withMaster("task.cancel", c -> { task.cancel(c); return null; }); } catch (RuntimeException ignored) {
          // It may have ended meanwhile; either way the caller is told it did not finish in time.
        }
        throw new XapiUnreachable(masterAddress + " (" + call + " still running after " + START_TIMEOUT + ")",
            new java.util.concurrent.TimeoutException(call));
      }
      try {
        Thread.sleep(TASK_POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new XapiUnreachable(masterAddress + " (" + call + ")", e);
      }
    }
  }

  private void forgetTask(Task task) {
    try {
      withMaster("task.destroy", c -> { task.destroy(c); return null; });
    } catch (RuntimeException e) {
      log.debug("xapi: task not destroyed (xapi removes finished tasks itself): {}", e.toString());
    }
  }

  @Override public void startAppliance(String applianceUuid) {
    Task task = withMaster("Async.VM_appliance.start", c -> VMAppliance.getByUuid(c, applianceUuid).startAsync(c, false));
    awaitTask("VM_appliance.start", task);
  }

  @Override public void declareDead(HostId host) {
    withMaster("host.declare_dead", c -> {
      Host h = Host.getByUuid(c, host.uuid());
      h.removeFromOtherConfig(c, DECLARED_DEAD_KEY);
      h.addToOtherConfig(c, DECLARED_DEAD_KEY, clock.now().toString());
      h.declareDead(c);
      return null;
    });
  }

  @Override public void reEnableDeclaredDead(HostId host) {
    withMaster("host.enable", c -> {
      Host h = Host.getByUuid(c, host.uuid());
      h.enable(c);
      h.removeFromOtherConfig(c, DECLARED_DEAD_KEY);
      return null;
    });
  }

  @Override public List<VdiAttachment> vdiAttachments(VmId vm) {
    return withMaster("VDI attachments", c -> {
      List<VdiAttachment> out = new ArrayList<>();
      for (VBD vbd : VM.getByUuid(c, vm.uuid()).getVBDs(c)) {
        if (vbd.getType(c) != Types.VbdType.DISK || Boolean.TRUE.equals(vbd.getEmpty(c))) continue;
        VDI vdi = vbd.getVDI(c);
        if (vdi == null || vdi.isNull()) continue;
        String uuid = vdi.getUuid(c);
        Map<String, String> sm = vdi.getSmConfig(c);
        for (String key : sm == null ? Set.<String>of() : sm.keySet()) {
          if (!key.startsWith("host_")) continue;
          Optional<HostId> holder;
          try {
            holder = Optional.of(new HostId(Types.toHost(key.substring("host_".length())).getUuid(c)));
          } catch (Types.HandleInvalid e) {
            holder = Optional.empty();   // a host the pool forgot: nobody holds it
          }
          out.add(new VdiAttachment(uuid, key, holder));
        }
      }
      return out;
    });
  }

  @Override public void releaseVdi(String vdiUuid, String smConfigKey) {
    withMaster("VDI.remove_from_sm_config", c -> {
      VDI.getByUuid(c, vdiUuid).removeFromSmConfig(c, smConfigKey);
      return null;
    });
  }

  @Override public PoolChanges awaitChanges(String token, Duration timeout) {
    Connection c;
    synchronized (this) {
      if (events == null) events = login(masterAddress, endpoint.callTimeout().plus(timeout));
      c = events;
    }
    try {
      EventBatch batch = Event.from(c, EVENT_CLASSES, token, (double) timeout.toMillis() / 1000.0);
      return new PoolChanges(batch.token, batch.events == null ? 0 : batch.events.size());
    } catch (Types.XenAPIException e) {
      dropEvents();
      XapiFailure f = failure("event.from", e);
      if (f.code().equals("HOST_IS_SLAVE") && !f.params().isEmpty()) repoint(f.params().get(0));
      throw f;
    } catch (XmlRpcException e) {
      dropEvents();
      throw new XapiUnreachable(masterAddress + " (event.from)", e);
    }
  }

  private synchronized void dropEvents() { events = null; }

  /** A normal session on the master at {@code address}, following one HOST_IS_SLAVE. */
  private Connection login(String address, Duration reply) {
    Connection c = connections.open(address, reply, endpoint.connectTimeout());
    try {
      Session.loginWithPassword(c, endpoint.user(), endpoint.password());
      return c;
    } catch (Types.HostIsSlave e) {
      masterAddress = e.masterIPAddress;
      Connection m = connections.open(e.masterIPAddress, reply, endpoint.connectTimeout());
      try {
        Session.loginWithPassword(m, endpoint.user(), endpoint.password());
        return m;
      } catch (Types.XenAPIException e2) {
        throw failure("session.login_with_password", e2);
      } catch (XmlRpcException e2) {
        throw new XapiUnreachable(e.masterIPAddress, e2);
      }
    } catch (Types.XenAPIException e) {
      throw failure("session.login_with_password", e);
    } catch (XmlRpcException e) {
      throw new XapiUnreachable(address, e);
    }
  }

  /**
   * Runs a call with a session on the master. HOST_IS_SLAVE repoints to the master it names and
   * SESSION_INVALID logs in again, each once; an unreachable master is retried once from this host,
   * which may have become master or know the new one.
   */
  private <T> T withMaster(String what, Call<T> call) {
    RuntimeException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      Connection c;
      try {
        c = masterSession();
      } catch (RuntimeException e) {
        last = e;
        repoint(endpoint.selfAddress());
        continue;
      }
      try {
        return call.run(c);
      } catch (Types.HostIsSlave e) {
        repoint(e.masterIPAddress);
        last = failure(what, e);
      } catch (Types.SessionInvalid e) {
        repoint(masterAddress);
        last = failure(what, e);
      } catch (Types.XenAPIException e) {
        if (e.errorDescription != null && e.errorDescription.length > 1 && "HOST_IS_SLAVE".equals(e.errorDescription[0])) {
          repoint(e.errorDescription[1]);
          last = failure(what, e);
          continue;
        }
        throw failure(what, e);
      } catch (XapiFailure | XapiUnreachable e) {
        throw e;
      } catch (Exception e) {
        last = new XapiUnreachable(masterAddress + " (" + what + ")", e);
        repoint(endpoint.selfAddress());
      }
    }
    throw last;
  }

  private synchronized void repoint(String address) {
    master = null;
    events = null;
    masterAddress = address;
  }

  private synchronized Connection masterSession() {
    if (master == null) master = login(masterAddress, endpoint.callTimeout());
    return master;
  }

  private Connection connection(String address, Duration reply, Duration connect) {
    return connections.open(address, reply, connect);
  }

  /** {@code SrBackendFailure} → {@code SR_BACKEND_FAILURE}, as XAPI sends it on the wire. */
  static String codeOf(Class<?> typed) {
    return typed.getSimpleName().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT);
  }

  private static XapiFailure failure(String call, Types.XenAPIException e) {
    // The SDK turns known codes into typed exceptions (Types.SrBackendFailure, …) without errorDescription;
    // the class name is the code in CamelCase, and the code is what operators and decisions need.
    String[] ed = e.errorDescription != null ? e.errorDescription
        : e.getClass() != Types.XenAPIException.class ? new String[] {codeOf(e.getClass())}
        : new String[] {e.shortDescription != null ? e.shortDescription : "UNKNOWN_ERROR"};
    if (e instanceof Types.HostIsSlave s) ed = new String[] {"HOST_IS_SLAVE", s.masterIPAddress};
    return new XapiFailure(call, ed[0], Arrays.asList(ed).subList(1, ed.length));
  }
}
