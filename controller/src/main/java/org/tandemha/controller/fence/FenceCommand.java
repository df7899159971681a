package org.tandemha.controller.fence;

import java.io.File;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.tandemha.controller.NodeConfig;
import org.tandemha.controller.admin.AdminClient;
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
    String host = args.get(0);
    boolean really = false;
    File config = null;
    Path socket = null;
    for (int i = 1; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--really")) {
        really = true;
      } else if (a.equals("--config") && i + 1 < args.size()) {
        config = new File(args.get(++i));
      } else if (a.equals("--socket") && i + 1 < args.size()) {
        socket = Path.of(args.get(++i));
      } else {
        err.println("tandem fence: unexpected argument \"" + a + "\"");
        err.println(USAGE);
        return 2;
      }
    }
    if (host.startsWith("-")) {
      err.println("tandem fence: unknown option \"" + host + "\"");
      err.println(USAGE);
      return 2;
    }
    if (!really) {
      err.println("tandem fence: powering " + host + " off needs --really (to look without powering anything off: "
          + "tandem fence test " + host + ")");
      return 2;
    }
    if (config == null && new File("/etc/tandem/tandem.conf").isFile()) config = new File("/etc/tandem/tandem.conf");
    Duration wait;
    try {
      // Only the socket and the fence bound are needed here: no seed nodes or host identity required.
      var raw = NodeConfig.loadLocal(config);
      if (socket == null) socket = Path.of(raw.getString("tandem.admin.socket"));
      // Longer than the node's own bound (fence timeout + 10 s, + 5 s to find its admin actor): its answer comes first.
      wait = raw.getDuration("tandem.ha.fence-timeout").plusSeconds(30);
    } catch (NodeConfig.Invalid | com.typesafe.config.ConfigException e) {
      err.println("tandem fence: invalid configuration: " + e.getMessage());
      return 2;
    }
    try {
      Admin.Reply reply = AdminClient.call(socket, new Admin.Fence(host, true), wait);
      reply.lines().forEach(reply.exit() == 0 ? out::println : err::println);
      return reply.exit();
    } catch (AdminClient.Unreachable e) {
      err.println("tandem fence: " + e.getMessage() + "; nothing was powered off");
      return 3;
    } catch (AdminClient.NoAnswer e) {
      err.println("tandem fence: " + e.getMessage() + "; the outcome is UNKNOWN: the fence may still complete — "
          + "see `tandem events --type FenceRequested,FenceConfirmed,FenceFailed`");
      return 1;
    }
  }
}
