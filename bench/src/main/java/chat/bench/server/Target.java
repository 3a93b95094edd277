package chat.bench.server;

import java.util.List;

/** The server side of a run: the chat nodes (with their database) or the bare baseline. */
public interface Target extends AutoCloseable {

  /** "chat" or "baseline". */
  String kind();

  /** HTTP ports clients connect to, one per node. */
  List<Integer> ports();

  /** The processes whose CPU and heap are reported (nodes first). */
  List<Proc> processes();

  /** The processes that hold the sockets (whose heap per connection is reported). */
  List<Proc> nodes();

  /** Which build of the server this is, as the report names it. */
  String version();

  /** Whether users must register and log in (the baseline has no accounts). */
  boolean needsAccounts();

  @Override
  void close();
}
