package org.tandemha.controller;

import java.io.File;
import java.util.List;
import java.io.PrintStream;

/**
 * {@code tandem node [--config FILE]}: runs this host's node in the foreground (systemd runs it so).
 * {@code tandem witness [--config FILE]}: runs a witness, the third vote on a small third machine.
 */
public final class Main {
  static final String USAGE = """
      usage: tandem node [--config FILE]
             tandem witness [--config FILE]
             tandem events [--dir DIR] [--since S] [--host H] [--type T] [--json] [--follow]
             tandem fence test HOST-UUID [--config FILE]
             tandem fence HOST-UUID --really [--config FILE] [--socket PATH]
             tandem storage status [--json] | manual-mode enable|disable | become-primary | become-secondary
             tandem status [--json] | version | host list | vm list | vm set-ha VM true|false
             tandem vm set-priority VM N|default | enable | disable | arm | disarm
             tandem alert test | alerts list [--json] | alerts clear
             tandem config get [NAME] | set NAME VALUE | backup FILE | restore FILE | reset-defaults --yes
             tandem config import-halizard [--file FILE]
        node     runs this host's Tandem node
        witness  runs a witness: a cluster member that only votes for quorum (no HA actors), for a third
                 machine next to a two-host pool
        events   prints the journal, newest last (`tandem events --help`)
        fence    `fence test HOST`: asks the host's fence devices for its power status; powers nothing off;
                 `fence HOST --really`: the running node powers HOST off now (journaled, read back off)
        storage  this host's DRBD/iSCSI/floating-IP role (`tandem storage --help`)
        status   the pool's HA state as this node and every other node see it (`tandem status --help`)
        version  this CLI's version and the running node's
        host     `host list`: the pool's hosts and their nodes
        vm       `vm list`, `vm set-ha`, `vm set-priority` (`tandem vm --help`)
        enable, disable  the pool HA switch (the XenCenter field HA-Lizard used)
        arm, disarm      fencing and takeover on every node
        alert, alerts    `alert test` through every channel; `alerts list|clear` (`tandem alerts --help`)
        config   the pool-wide settings, HA-Lizard's parameters (`tandem config --help`)
        tls      `tls init`: the pool's CA; `tls issue HOST`: a node's certificate (`tandem tls --help`)
        every verb takes --help; exit 0 done, 1 failed, 2 bad usage or value, 3 node unreachable
        FILE (default /etc/tandem/tandem.conf if it exists) overrides the defaults in application.conf.""";

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.err));
  }

  static int run(String[] args, PrintStream err) {
    if (args.length > 0 && args[0].equals("fence")) {
      return org.tandemha.controller.fence.FenceCommand.run(java.util.List.of(args).subList(1, args.length),
          System.out, err);
    }
    if (args.length > 0 && args[0].equals("storage")) {
      return org.tandemha.controller.storage.StorageCommand.run(java.util.List.of(args).subList(1, args.length),
          System.out, err);
    }
    if (args.length > 0 && org.tandemha.controller.admin.NodeCommands.handles(args[0])) {
      return org.tandemha.controller.admin.NodeCommands.run(args[0], java.util.List.of(args).subList(1, args.length),
          System.out, err);
    }
    if (args.length > 0 && args[0].equals("tls")) {
      return org.tandemha.controller.tls.TlsCommand.run(List.of(args).subList(1, args.length), System.out, err);
    }
    if (args.length > 0 && args[0].equals("config")) {
      return org.tandemha.controller.config.ConfigCommand.run(java.util.List.of(args).subList(1, args.length),
          System.out, err);
    }
    if (args.length > 0 && args[0].equals("events")) {
      return org.tandemha.controller.journal.EventsCommand.run(java.util.List.of(args).subList(1, args.length),
          System.out, err, java.time.Instant::now, () -> false);
    }
    if (args.length == 1 && List.of("help", "--help", "-h").contains(args[0])) {
      System.out.println(USAGE);
      return 0;
    }
    if (args.length == 0 || !(args[0].equals("node") || args[0].equals("witness"))) {
      err.println(args.length == 0 ? "tandem: missing command" : "tandem: unknown command \"" + args[0] + "\"");
      err.println(USAGE);
      return 2;
    }
    File file = null;
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        file = new File(args[++i]);
      } else if (args[i].equals("--help")) {
        err.println(USAGE);
        return 0;
      } else {
        err.println("tandem " + args[0] + ": unexpected argument \"" + args[i] + "\"");
        err.println(USAGE);
        return 2;
      }
    }
    if (file == null && new File("/etc/tandem/tandem.conf").isFile()) file = new File("/etc/tandem/tandem.conf");
    if (args[0].equals("witness")) {
      try {
        var system = TandemNode.startWitness(NodeConfig.loadRaw(file));
        system.getWhenTerminated().toCompletableFuture().join();
        return 0;
      } catch (NodeConfig.Invalid e) {
        err.println("tandem witness: invalid configuration: " + e.getMessage());
        return 2;
      }
    }
    NodeConfig config;
    try {
      NodeConfig local = NodeConfig.load(file);
      java.nio.file.Path poolCache = org.tandemha.controller.config.StartupPool.cacheOf(local.raw());
      var pool = org.tandemha.controller.config.StartupPool.values(local, poolCache, java.time.Duration.ofSeconds(10), err);
      config = org.tandemha.controller.config.StartupPool.merged(local, pool, err);
    } catch (NodeConfig.Invalid e) {
      err.println("tandem node: invalid configuration: " + e.getMessage());
      return 2;
    }
    org.tandemha.controller.fence.FenceConfig.Devices devices;
    try {
      devices = org.tandemha.controller.fence.FenceConfig.read(config.raw());
    } catch (NodeConfig.Invalid e) {
      err.println("tandem node: invalid configuration: " + e.getMessage());
      return 2;
    }
    java.util.Optional<org.tandemha.actors.port.SelfFence.Watchdog> watchdog;
    try {
      org.tandemha.controller.storage.StorageConfig.read(config.raw());   // refused here, before anything starts
      org.tandemha.controller.alert.AlertConfig.read(config.raw());
      watchdog = org.tandemha.controller.fence.FenceConfig.watchdog(config.raw());
    } catch (NodeConfig.Invalid e) {
      err.println("tandem node: invalid configuration: " + e.getMessage());
      return 2;
    }
    if (devices.none()) {
      // Never without a fence: a takeover needs the lost host confirmed off.
      err.println("tandem node: no fence device is configured (tandem.fence.hosts or tandem.fence.method) for host "
          + config.settings().self() + " or its peers; refusing to run without a fence (see README, Fencing)");
      return 3;
    }
    if (devices.poolOnly()) {
      err.println("tandem node: WARNING: tandem.fence.method = POOL is not a fence: it powers nothing off; a lost host "
          + "is taken over only once its own watchdog's deadline has passed (tandem.watchdog on that host) with a "
          + "witness majority on this side; otherwise an operator who made sure it is off declares it dead (tandem host declare-dead)");
    }
    akka.actor.typed.ActorSystem<?> system;
    try {
      system = TandemNode.start(config, devices.port(), new org.tandemha.controller.host.SysrqSelfFence(watchdog));
    } catch (NodeConfig.Invalid e) {
      err.println("tandem node: invalid configuration: " + e.getMessage());
      return 2;
    }
    system.getWhenTerminated().toCompletableFuture().join();
    return 0;
  }
}
