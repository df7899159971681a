package org.tandemha.harness;

import akka.actor.Address;
import akka.actor.typed.ActorSystem;
import akka.cluster.Member;
import akka.cluster.typed.Cluster;
import akka.remote.testkit.Blackhole$;
import akka.remote.testkit.Direction;
import akka.remote.testkit.SetThrottle;
import akka.remote.testkit.Unthrottled$;
import java.util.HashSet;
import java.util.Set;
import org.tandemha.actors.WitnessGuardian;
import org.tandemha.actors.port.FenceDeviceError;
import org.tandemha.protocol.HostId;

/**
 * This node's links in the simulated network, as the simulator's partitions say (control endpoint
 * {@code /hosts/<uuid>/cut}, a long poll while nothing is cut, read every 100 ms while something is, so a node
 * joining across a cut is blackholed at once): the cluster links to cut nodes are blackholed in
 * Artery (test mode), so the failure detector sees exactly what a real cut cable would give it, and
 * {@link SimNet} answers pings accordingly. A node of the simulated pool only; never in a real node.
 */
final class SimLinks implements AutoCloseable {
  private static final long PERIOD_MS = 100;
  /** While nothing is cut: how long one poll waits for a change (an idle node is not woken 10 times a second). */
  private static final java.time.Duration IDLE_WAIT = java.time.Duration.ofSeconds(5);
  private final SimPowerFence world;
  private final HostId self;
  /** The simulator's answer as it came (what the long poll compares with), and it without the clock entry. */
  private volatile Set<String> raw = Set.of();
  private volatile Set<String> cut = Set.of();
  /** This host's wall-clock step, in ms (the scenario's {@code clock-jump}). */
  private volatile long clockOffsetMs;
  private final Set<Address> blackholed = new HashSet<>();
  private final Thread poller;
  private volatile boolean running = true;
  private ActorSystem<?> system;

  SimLinks(SimPowerFence world, HostId self) {
    this.world = world;
    this.self = self;
    refresh();
    this.poller = new Thread(this::loop, "sim-links");
    poller.setDaemon(true);
  }

  /** Starts applying the cuts to the cluster links of {@code system} (needs akka.remote.artery.advanced.test-mode). */
  void start(ActorSystem<?> system) {
    this.system = system;
    apply();
    poller.start();
  }

  /** Host UUIDs, {@code gateway} and {@code witnesses} this host cannot reach now. */
  Set<String> cut() {
    return cut;
  }

  /** The host's wall clock: the real one, stepped as the simulator says ({@code clock-jump HOST S}). */
  org.tandemha.actors.port.Clock clock() {
    return () -> java.time.Instant.now().plusMillis(clockOffsetMs);
  }

  private void refresh() {
    try {
      take(world.cutFrom(self));
    } catch (FenceDeviceError e) {
      // The simulator is gone or busy: keep the last known links.
    }
  }

  private void take(Set<String> answer) {
    raw = Set.copyOf(answer);
    long offset = 0;
    Set<String> links = new HashSet<>();
    for (String a : answer) {
      if (a.startsWith(org.tandemha.harness.sim.SimPool.CLOCK_OFFSET)) {
        offset = Long.parseLong(a.substring(org.tandemha.harness.sim.SimPool.CLOCK_OFFSET.length()));
      } else {
        links.add(a);
      }
    }
    clockOffsetMs = offset;
    cut = Set.copyOf(links);
  }

  private void loop() {
    while (running) {
      try {
        if (cut.isEmpty()) {
          try {
            take(world.cutFrom(self, raw, IDLE_WAIT));
          } catch (FenceDeviceError e) {
            Thread.sleep(PERIOD_MS);   // the simulator is gone or busy: keep the last known links
          }
        } else {
          Thread.sleep(PERIOD_MS);
          refresh();
        }
        apply();
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void apply() {
    if (system == null) return;
    Set<Address> want = new HashSet<>();
    for (Member m : Cluster.get(system).state().getMembers()) {
      if (m.address().equals(Cluster.get(system).selfMember().address())) continue;
      boolean isCut = m.getRoles().contains(WitnessGuardian.ROLE) ? cut.contains(org.tandemha.harness.sim.SimPool.WITNESSES)
          : m.getRoles().stream().anyMatch(r -> r.startsWith("host-") && cut.contains(r.substring(5)));
      if (isCut) want.add(m.address());
    }
    // Unreachable members are still members; seed nodes not yet joined are covered once they join.
    var classic = (akka.actor.ExtendedActorSystem) akka.actor.typed.javadsl.Adapter.toClassic(system);
    var transport = ((akka.remote.RemoteActorRefProvider) classic.provider()).transport();
    for (Address a : want) {
      if (blackholed.add(a)) transport.managementCommand(new SetThrottle(a, Direction.Both$.MODULE$, Blackhole$.MODULE$));
    }
    for (Address a : Set.copyOf(blackholed)) {
      if (!want.contains(a)) {
        blackholed.remove(a);
        transport.managementCommand(new SetThrottle(a, Direction.Both$.MODULE$, Unthrottled$.MODULE$));
      }
    }
  }

  @Override public void close() {
    running = false;
    poller.interrupt();
  }
}
