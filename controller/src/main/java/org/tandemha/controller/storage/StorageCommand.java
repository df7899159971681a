package org.tandemha.controller.storage;

import java.io.File;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.tandemha.controller.NodeConfig;
import org.tandemha.controller.admin.AdminClient;
import org.tandemha.protocol.Admin;

/**
 * {@code tandem storage …} (issue #8 items 5 and 6), through the node's admin socket: {@code status [--json]},
 * {@code manual-mode enable|disable}, {@code become-primary}, {@code become-secondary}. Exit 0 done, 1 refused or
 * failed (the reason printed), 2 bad usage, 3 the node is not reachable.
 */
public final class StorageCommand {
  private StorageCommand() {}

  public static final String USAGE = """
      usage: tandem storage status [--json]
             tandem storage manual-mode enable|disable
             tandem storage become-primary | become-secondary
             tandem storage split-brain resolve --survivor HOST-UUID
             (each also takes --config FILE and --socket PATH)
        status            this host's DRBD resources, iSCSI target and floating IP: actual against expected
        manual-mode       enable: the storage role stops following the pool; disable: only when the roles match
                          the pool again (Primary on the master, Secondary on a slave)
        become-primary    in manual mode: refused while the peer reads Primary or the floating IP answers elsewhere
        become-secondary  in manual mode
        split-brain resolve  after a recorded DRBD split brain, on both hosts: the survivor keeps its data and
                          reconnects; the victim (demoted first) discards its changes since the split""";

  public static int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.isEmpty() || args.get(0).equals("--help")) {
      (args.isEmpty() ? err : out).println(USAGE);
      return args.isEmpty() ? 2 : 0;
    }
    List<String> words = new ArrayList<>();
    boolean json = false;
    String survivor = null;
    File config = null;
    Path socket = null;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--json")) {
        json = true;
      } else if (a.equals("--config") && i + 1 < args.size()) {
        config = new File(args.get(++i));
      } else if (a.equals("--survivor") && i + 1 < args.size()) {
        survivor = args.get(++i);
      } else if (a.equals("--socket") && i + 1 < args.size()) {
        socket = Path.of(args.get(++i));
      } else if (a.startsWith("-")) {
        err.println("tandem storage: unknown option \"" + a + "\"");
        err.println(USAGE);
        return 2;
      } else {
        words.add(a);
      }
    }
    Admin.Request request;
    String verb = String.join(" ", words);
    switch (verb) {
      case "status" -> request = new Admin.StorageStatus();
      case "manual-mode enable" -> request = new Admin.StorageManual("enable");
      case "manual-mode disable" -> request = new Admin.StorageManual("disable");
      case "become-primary" -> request = new Admin.StorageManual("become-primary");
      case "become-secondary" -> request = new Admin.StorageManual("become-secondary");
      case "split-brain resolve" -> {
        if (survivor == null) {
          err.println("tandem storage split-brain resolve: --survivor HOST-UUID is required (the host whose data is kept)");
          return 2;
        }
        request = new Admin.StorageSplitBrainResolve(survivor);
      }
      default -> {
        err.println("tandem storage: unknown command \"" + verb + "\"");
        err.println(USAGE);
        return 2;
      }
    }
    if (json && !(request instanceof Admin.StorageStatus)) {
      err.println("tandem storage: --json goes with status only");
      return 2;
    }
    if (config == null && new File("/etc/tandem/tandem.conf").isFile()) config = new File("/etc/tandem/tandem.conf");
    try {
      if (socket == null) socket = Path.of(NodeConfig.loadLocal(config).getString("tandem.admin.socket"));
    } catch (NodeConfig.Invalid | com.typesafe.config.ConfigException e) {
      err.println("tandem storage: invalid configuration: " + e.getMessage());
      return 2;
    }
    try {
      Admin.Reply reply = AdminClient.call(socket, request, Duration.ofSeconds(20));
      if (json && reply.exit() == 0) {
        out.println(org.tandemha.controller.admin.AdminSocket.json(reply.data()));
      } else {
        reply.lines().forEach(reply.exit() == 0 ? out::println : err::println);
      }
      return reply.exit();
    } catch (AdminClient.Unreachable e) {
      err.println("tandem storage: " + e.getMessage());
      return 3;
    } catch (AdminClient.NoAnswer e) {
      err.println("tandem storage: " + e.getMessage() + "; see `tandem events --type StorageManualMode,StorageStep`");
      return 1;
    }
  }
}
