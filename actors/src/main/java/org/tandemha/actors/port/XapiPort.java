package org.tandemha.actors.port;

import java.util.List;
import org.tandemha.protocol.HostId;
import org.tandemha.protocol.PoolSnapshot;
import org.tandemha.protocol.VmId;

/**
 * What Tandem asks of XAPI. Calls block (run them on the blocking-io dispatcher), each bounded by the
 * adapter's per-call timeout, and fail with {@link XapiFailure} (an API error code) or
 * {@link XapiUnreachable} (no answer) — never with a silent default.
 */
public interface XapiPort {
  /** Reads pool, hosts and VMs from the current pool master (following HOST_IS_SLAVE). */
  PoolSnapshot readPool();

  /** Replaces one pool other-config key (XAPI has no "set key": remove, then add). */
  void setPoolOtherConfig(String key, String value);

  /** Replaces one host other-config key (HA-Lizard's host tag: master / healthy / failed). */
  void setHostOtherConfig(HostId host, String key, String value);

  /** {@code host.enable}: ends a host's maintenance (enabled=false). */
  void enableHost(HostId host);

  /** {@code host.disable}: maintenance — no VM is placed on it, and Tandem never fences it. */
  default void disableHost(HostId host) {
    throw new UnsupportedOperationException("this XAPI port cannot disable a host");
  }

  /** Replaces one VM other-config key. */
  void setVmOtherConfig(VmId vm, String key, String value);

  /** True when the host's XAPI endpoint answers at all (a login reply, even HOST_IS_SLAVE, counts). */
  boolean probe(String address);

  /** True when this node's own host answers a normal login as pool master. */
  boolean localHostIsMaster();

  /** pool.emergency_transition_to_master on this node's own host, through a slave-local session. */
  void emergencyTransitionToMaster();

  /** pool.recover_slaves on this host, now master: the hosts it repointed (dead hosts are absent). */
  List<HostId> recoverSlaves();

  void powerStateReset(VmId vm);

  void startOn(VmId vm, HostId host);

  /** {@code VM_appliance.start(vapp, false)}: XAPI starts the halted members in its order, with their delays. */
  void startAppliance(String applianceUuid);

  /**
   * {@code host.declare_dead}, after the other-config mark {@value #DECLARED_DEAD_KEY} that tells a later master
   * to enable the host again when it is back. Only for a host a fence confirmed off.
   */
  void declareDead(HostId host);

  /** Host other-config key: "Tandem declared this host dead at …" (ISO time); removed when it is enabled again. */
  String DECLARED_DEAD_KEY = "tandem_declared_dead";

  /** Enables a host Tandem declared dead and removes its {@value #DECLARED_DEAD_KEY} mark. */
  void reEnableDeclaredDead(HostId host);

  /**
   * The attachments of a VM's disks (VBD type Disk, not empty) as their VDIs' sm_config records them:
   * {@code host_<host ref>} keys. {@code host} is empty when the ref names no host of the pool.
   */
  List<VdiAttachment> vdiAttachments(VmId vm);

  record VdiAttachment(String vdiUuid, String smConfigKey, java.util.Optional<HostId> host) {}

  /** Removes one attachment key from a VDI's sm_config (what {@code resetvdis.py single} does). */
  void releaseVdi(String vdiUuid, String smConfigKey);

  /**
   * Waits up to {@code timeout} for a change of a pool, host or VM after {@code token} (XAPI event.from).
   * An empty token starts over: its batch holds every object, so the caller reads the whole pool again.
   */
  PoolChanges awaitChanges(String token, java.time.Duration timeout);

  /** What event.from returned: the token to continue from and how many objects changed. */
  record PoolChanges(String token, int changes) {}

  /**
   * A pool message, as XenCenter and Xen Orchestra list them under Alerts (HA-Lizard's ENABLE_ALERTS): {@code name}
   * its title, {@code priority} 1 highest … 5 lowest, {@code body} the text.
   */
  default void createPoolMessage(String name, long priority, String body) {
    throw new UnsupportedOperationException("this XAPI port cannot create pool messages");
  }
}
