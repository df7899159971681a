package org.tandemha.controller.fence;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.tandemha.controller.NodeConfig;
import org.tandemha.controller.admin.AdminCall;
import org.tandemha.protocol.Admin;

/**
 * {@code tandem fence …} (issue #7 item 7): {@code test HOST} looks without touching anything
 * ({@link FenceTestCommand}); {@code HOST --really} asks the running node, over its admin socket, to fence the host
 * now through its configured devices — journaled by the node like any fence, and confirmed only by the power read
 * back off. Exit 0 confirmed off, 1 failed, 2 bad usage, 3 the node is not reachable.
 */
public final class FenceCommand {
  private FenceCommand() {}

  public static final String USAGE = """
      usage: tandem fence test HOST-UUID [--config FILE]
             tandem fence HOST-UUID --really [--config FILE] [--socket PATH]
        test      asks each fence level configured for HOST for the power status, as a fence would, and powers
                  nothing off
        --really  powers HOST off now through the running node (its fence devices, journaled, read back off);
                  the node's admin socket is tandem.admin.socket (default /run/tandem/admin.sock)""";

  public static int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.isEmpty() || args.get(0).equals("--help")) {
      (args.isEmpty() ? err : out).println(USAGE);
      return args.isEmpty() ? 2 : 0;
    }
    if (args.get(0).equals("test")) return FenceTestCommand.run(args, out, err);
    AdminCall.Parsed parsed = AdminCall.parseOrAnswer("fence", args, Set.of(), Set.of("really"), false, USAGE, out, err);
    if (parsed.answered()) return parsed.exit();
    AdminCall.Line line = parsed.line();
    if (line.words().size() != 1) {
      err.println("tandem fence: one HOST-UUID expected, got " + line.words());
      err.println(USAGE);
      return AdminCall.USAGE;
    }
    String host = line.words().get(0);
    if (!line.flag("really")) {
      err.println("tandem fence: powering " + host + " off needs --really (to look without powering anything off: "
          + "tandem fence test " + host + ")");
      return AdminCall.USAGE;
    }
    Duration wait;
    try {
      // Longer than the node's own bound (fence timeout + 10 s, + 5 s to find its admin actor): its answer comes first.
      wait = line.localConfig().getDuration("tandem.ha.fence-timeout").plusSeconds(30);
    } catch (NodeConfig.Invalid | com.typesafe.config.ConfigException e) {
      err.println("tandem fence: invalid configuration: " + e.getMessage());
      return AdminCall.USAGE;
    }
    int exit = AdminCall.send("fence", line, new Admin.Fence(host, true), wait, out, err,
        "the fence may still complete — see `tandem events --type FenceRequested,FenceConfirmed,FenceFailed`");
    if (exit == AdminCall.UNREACHABLE) err.println("tandem fence: nothing was powered off");
    return exit;
  }
}
