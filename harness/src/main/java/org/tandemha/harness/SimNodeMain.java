package org.tandemha.harness;

import java.io.File;
import java.net.URI;
import org.tandemha.controller.NodeConfig;
import org.tandemha.controller.TandemNode;
import org.tandemha.controller.net.InetNet;
import org.tandemha.protocol.HostId;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A Tandem node for the simulated pool: the real node (real XAPI adapter over the SDK, real cluster,
 * real journal) whose fence device is the simulator's power switch ({@code tandem.sim.fence-url}).
 */
public final class SimNodeMain {
  private SimNodeMain() {}

  /** The simulated pool's floating IP: only a name here, nothing is bound to it. */
  static final String SIM_FLOATING_IP = "10.77.0.100";

  /** {@code tandem.sim.hosts = ["127.0.0.11=<uuid>", ...]}: which addresses are simulated hosts. */
  static Map<String, HostId> simulatedHosts(NodeConfig config) {
    Map<String, HostId> hosts = new HashMap<>();
    if (!config.raw().hasPath("tandem.sim.hosts")) return hosts;
    for (String entry : config.raw().getStringList("tandem.sim.hosts")) {
      int eq = entry.indexOf('=');
      if (eq < 1) throw new IllegalArgumentException("tandem.sim.hosts entry \"" + entry + "\" is not address=uuid");
      hosts.put(entry.substring(0, eq).trim(), new HostId(entry.substring(eq + 1).trim()));
    }
    return hosts;
  }

  /**
   * {@code SimNodeMain --config FILE}: a node of the simulated pool. {@code SimNodeMain --witness --config FILE}:
   * a witness ({@code tandem witness}) that a harness can start and stop like the nodes.
   */
  public static void main(String[] args) {
    boolean witness = args.length == 3 && args[0].equals("--witness");
    String[] rest = witness ? new String[] {args[1], args[2]} : args;
    if (rest.length != 2 || !rest[0].equals("--config")) {
      System.err.println("usage: SimNodeMain [--witness] --config FILE");
      System.exit(2);
    }
    // A process of the simulated pool never outlives whoever started it (the demo, a test), even on kill -9.
    ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(1)));
    if (witness) {
      try {
        TandemNode.startWitness(NodeConfig.loadRaw(new File(rest[1]))).getWhenTerminated().toCompletableFuture().join();
        System.exit(0);
      } catch (NodeConfig.Invalid e) {
        System.err.println("sim witness: invalid configuration: " + e.getMessage());
        System.exit(2);
      }
      return;
    }
    NodeConfig config;
    URI fence;
    Optional<String> gateway;
    boolean simStorage;
    org.tandemha.controller.fence.FenceConfig.Devices devices;
    try {
      config = NodeConfig.load(new File(rest[1]));
      devices = org.tandemha.controller.fence.FenceConfig.read(config.raw());
      fence = URI.create(config.raw().getString("tandem.sim.fence-url"));
      simulatedHosts(config);
      simStorage = config.raw().hasPath("tandem.sim.storage") && config.raw().getBoolean("tandem.sim.storage");
      gateway = config.raw().hasPath("tandem.sim.gateway")
          ? Optional.of(config.raw().getString("tandem.sim.gateway")) : Optional.empty();
    } catch (NodeConfig.Invalid | com.typesafe.config.ConfigException | IllegalArgumentException e) {
      System.err.println("sim node: invalid configuration: " + e.getMessage());
      System.exit(2);
      return;
    }
    SimPowerFence power = new SimPowerFence(fence, config.settings().fenceTimeout());
    SimLinks links = new SimLinks(power, config.settings().self());
    // With fence devices configured (BMCs of the simulated hosts), the real fence-agents fence; else the power switch.
    org.tandemha.actors.port.FencePort fencePort = devices.none() ? power : devices.port();
    Optional<java.time.Duration> watchdog = config.raw().hasPath("tandem.sim.watchdog-timeout")
        ? Optional.of(config.raw().getDuration("tandem.sim.watchdog-timeout")) : Optional.empty();
    // tandem.sim.storage = on: the simulator's DRBD resource, target and floating IP (scenarios with storage).
    Optional<org.tandemha.actors.NodeGuardian.Replicated> storage = simStorage
        ? Optional.of(new org.tandemha.actors.NodeGuardian.Replicated(new SimStorage(fence, config.settings().self(),
            java.time.Duration.ofSeconds(5)), SIM_FLOATING_IP, java.util.Set.of()))
        : Optional.empty();
    var system = TandemNode.start(config, fencePort, new SimSelfFence(power, config.settings().self(), watchdog),
        new SimNet(power, simulatedHosts(config), links::cut, gateway, new InetNet()),
        new SimLocalDomains(power, config.settings().self()), storage, links.clock());
    links.start(system);
    system.getWhenTerminated().toCompletableFuture().join();
    System.exit(0);
  }
}
