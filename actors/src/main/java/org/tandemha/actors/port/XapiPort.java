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

  /**
   * Waits up to {@code timeout} for a change of a pool, host or VM after {@code token} (XAPI event.from).
   * An empty token starts over: its batch holds every object, so the caller reads the whole pool again.
   */
  PoolChanges awaitChanges(String token, java.time.Duration timeout);

  /** What event.from returned: the token to continue from and how many objects changed. */
  record PoolChanges(String token, int changes) {}
}
