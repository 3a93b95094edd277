package chat.room;

import chat.access.RoomAccess;
import chat.bus.Addresses;
import chat.bus.BridgeRequest;
import chat.bus.ChatMessage;
import chat.bus.E2e;
import chat.bus.FileInfo;
import chat.bus.NewMessage;
import chat.bus.Service;
import chat.bus.RoomId;
import chat.bus.Failure;
import chat.cluster.ClusterView;
import chat.config.ChatConfig;
import chat.metrics.ChatMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;

/**
 * Accepts messages: validates a {@code chat.send} from a browser ({@link SendValidation}), holds it to the user's
 * rate ({@link ClusterSendLimit}) and hands it to its room's owner, which stores then publishes it in id order
 * ({@link RoomOwnership}). Also relays typing ({@link Typing}).
 */
public class RoomVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(RoomVerticle.class);

  private final ChatConfig config;
  /** The configured topics as a set: every room id a browser sends is checked against it. */
  private final Set<String> topics;
  private final ClusterView cluster;
  private final ChatMetrics metrics;
  private final SendValidation validation;
  // the other jobs need vertx, so they are made in start()
  private ClusterSendLimit sendLimit;
  private RoomAccess access;
  private RoomOwnership ownership;
  private Typing typing;
  private SlashCommands commands;
  /** Sends refused with 503 since the last minute's log line; read and written on this verticle's event loop. */
  private long shedSinceLastLog;

  public RoomVerticle(ChatConfig config, ClusterView cluster, ChatMetrics metrics) {
    this.config = config;
    this.topics = Set.copyOf(config.rooms());
    this.cluster = cluster;
    this.metrics = metrics;
    this.validation = new SendValidation(topics);
  }

  @Override
  public Future<?> start() {
    Peers peers = new Peers(vertx, cluster);
    sendLimit = new ClusterSendLimit(cluster, peers,
      new SendLimiter(config.security().messagesPerSecond(), config.security().messageBurst()),
      new SendLimiter(config.bots().messagesPerSecond(), config.bots().messageBurst()));
    access = new RoomAccess(vertx);
    ownership = new RoomOwnership(vertx, cluster, topics, peers);
    typing = new Typing(vertx, topics, access);
    commands = new SlashCommands(vertx, access);
    vertx.setPeriodic(60_000, id -> {
      typing.forgetOld();
      sendLimit.forgetIdle();
      ownership.forgetIdle();
      logShed();
    });
    return Future.all(List.of(
      vertx.eventBus().localConsumer(Addresses.SEND, this::onSend).completion(),
      vertx.eventBus().<JsonObject>consumer(Addresses.roomOwner(cluster.nodeId()), ownership::onOwnedSend).completion(),
      vertx.eventBus().<JsonObject>consumer(Addresses.roomHandover(cluster.nodeId()), ownership::onHandover)
        .completion(),
      vertx.eventBus().<String>consumer(Addresses.roomsReleased(cluster.nodeId()), ownership::onReleased).completion(),
      vertx.eventBus().<JsonObject>consumer(Addresses.sendLimit(cluster.nodeId()), sendLimit::onSendLimit).completion(),
      vertx.eventBus().localConsumer(Addresses.TYPING, typing::onTyping).completion(),
      vertx.eventBus().localConsumer(Addresses.VOTE, this::onVote).completion(),
      vertx.eventBus().<JsonObject>consumer(Addresses.roomVote(cluster.nodeId()), ownership::onOwnedVote).completion(),
      vertx.eventBus().<JsonObject>localConsumer(Addresses.ROOM_SYSTEM, this::onSystemLine).completion(),
      Service.serve(vertx, Addresses.ROOM_FILE_ADMIT, this::admitFile),
      Service.serve(vertx, Addresses.ROOM_FILE_POST, this::postFile)));
  }

  /** Sends already accepted are stored and published before the node goes. */
  @Override
  public Future<?> stop() {
    return ownership.finish();
  }

  private void onSend(Message<Object> request) {
    long arrived = Overload.arrived(request);
    Future.succeededFuture(request)
      .map(BridgeRequest::of)
      .compose(sent -> accept(sent, "true".equals(request.headers().get(Addresses.BOT_HEADER)), arrived))
      .onSuccess(answer -> {
        metrics.accepted();
        request.reply(answer);
      })
      .onFailure(err -> {
        int code = Failure.code(err);
        metrics.refused(code);
        // who and why, never what they wrote; a flood's 429s and an overload's 503s are counted in the metrics
        // (and the 503s summed up in the log every minute), not written one by one
        if (Failure.isBusy(err)) {
          shedSinceLastLog++;
        } else if (code != Failure.TOO_MANY) {
          LOG.warn("send refused ({}): {} from {}", code, err.getMessage(), request.headers().get(Addresses.USER_HEADER));
        }
        Failure.reply(request, err);
      });
  }

  /**
   * A vote on a poll ({@link Addresses#VOTE}): by someone who may write in its room, within their send rate (a
   * vote costs what a message does, so nobody floods a room with counts), counted by the room's owner.
   */
  private void onVote(Message<Object> request) {
    Future.succeededFuture(request)
      .map(BridgeRequest::of)
      .compose(asked -> {
        RoomId room = asked.room(topics);
        Long id = asked.optionalLong("id");
        Object option = asked.body().getValue("option");
        if (id == null) {
          return Future.failedFuture(Failure.badRequest("id must be the poll's message id"));
        }
        if (option != null && !(option instanceof Integer)) {
          return Future.failedFuture(Failure.badRequest("option must be an option's index, or null"));
        }
        JsonObject vote = new JsonObject().put("room", room.id()).put("id", id).put("user", asked.user())
          .put("option", option);
        List<String> live = cluster.orderingNodes();
        return sendLimit.withinRate(asked.user(), false, live, System.nanoTime())
          .compose(v -> access.writable(room, asked.user()))
          .compose(v -> ownership.vote(room, vote, live));
      })
      .onSuccess(request::reply)
      .onFailure(err -> Failure.reply(request, err));
  }

  private void logShed() {
    if (shedSinceLastLog > 0) {
      LOG.warn("overloaded: {} sends refused (503) in the last minute, each after waiting over {} ms", shedSinceLastLog,
        Overload.SHED_AFTER_MS);
      shedSinceLastLog = 0;
    }
  }

  /** A system line of a channel (the server's own, never a browser's: the bridge does not let this address in). */
  private void onSystemLine(Message<JsonObject> request) {
    NewMessage line = NewMessage.fromJson(request.body());
    ownership.toOwner(RoomId.parse(line.room(), topics), line, cluster.orderingNodes(), System.nanoTime())
      .onSuccess(stored -> request.reply(stored.toJson()))
      .onFailure(err -> Failure.reply(request, err));
  }

  /**
   * A private room switched to end-to-end encryption takes encrypted messages only, made with its members'
   * current keys (a page that missed a key change is told so, and warns its user before anything more is sent);
   * any other room takes none (issue 20). A command or a bot's reply to one user is plain text, so not there either.
   */
  private Future<Void> encryptedAsItsRoom(RoomId room, NewMessage message) {
    if (!(room instanceof RoomId.Direct direct)) {
      return Future.succeededFuture();
    }
    return access.encryption(direct).compose(state -> {
      E2e e2e = message.e2e();
      if (!state.encrypted()) {
        return e2e == null ? Future.succeededFuture()
          : Future.failedFuture(Failure.field("e2e", "this private room is not end-to-end encrypted"));
      }
      if (e2e == null) {
        return Future.failedFuture(Failure.field("text",
          "this private room is end-to-end encrypted: only encrypted messages (e2e) are sent here"));
      }
      String partner = direct.other(message.sender());
      if (e2e.from() != null && !e2e.from().equals(state.fingerprintOf(message.sender()))) {
        return Future.failedFuture(Failure.of(Failure.CONFLICT, "e2e.from: your keys have changed"));
      }
      if (e2e.to() != null && !e2e.to().equals(state.fingerprintOf(partner))) {
        return Future.failedFuture(Failure.of(Failure.CONFLICT, "e2e.to: " + partner + "'s keys have changed"));
      }
      return Future.succeededFuture();
    });
  }

  /** A file is never end-to-end encrypted, so none goes to an encrypted private room. */
  private Future<Void> notEncrypted(RoomId room) {
    return !(room instanceof RoomId.Direct direct) ? Future.succeededFuture()
      : access.encryption(direct).compose(state -> state.encrypted()
        ? Future.failedFuture(Failure.forbidden("files are not end-to-end encrypted: none in an encrypted chat"))
        : Future.succeededFuture());
  }

  /** Before a file's bytes are read: may this user write in the room, and is a message within their rate? */
  private Future<JsonObject> admitFile(JsonObject asked) {
    RoomId room = RoomId.parse(asked.getString("room"), topics);
    if (room == null || !room.admits(asked.getString("user"))) {
      return Future.failedFuture(Failure.badRequest("no such room"));
    }
    return sendLimit.withinRate(asked.getString("user"), false, cluster.orderingNodes(), System.nanoTime())
      .compose(v -> access.writable(room, asked.getString("user")))
      .compose(v -> notEncrypted(room))
      .map(v -> new JsonObject());
  }

  /** A stored file's message, its caption checked like a message's text (its rate was taken by the admission). */
  private Future<JsonObject> postFile(JsonObject stored) {
    RoomId room = RoomId.parse(stored.getString("room"), topics);
    String user = stored.getString("user");
    String caption = SendValidation.caption(stored.getString("caption"));
    NewMessage message = new NewMessage(room.id(), user, caption, null, null,
      FileInfo.fromJson(stored.getJsonObject("file")));
    return access.writable(room, user)
      .compose(v -> notEncrypted(room))
      .compose(v -> ownership.toOwner(room, message, cluster.orderingNodes(), System.nanoTime()))
      .map(ChatMessage::toJson);
  }

  /**
   * In this order, so a bad send costs no token and a flood is refused before a private partner is looked up; a
   * send that waited too long in this node's queues before it got here costs nothing at all. A command or a bot's
   * ephemeral reply ({@link SlashCommands}) costs a token like a message and needs the same right to write there,
   * but is not stored.
   */
  private Future<JsonObject> accept(BridgeRequest request, boolean bot, long arrived) {
    SendValidation.Send send = validation.check(request, bot);
    Object to = request.body().getValue("to");
    if (to != null && !bot) {
      return Future.failedFuture(Failure.forbidden("only a bot replies to one user (to)"));
    }
    if (to != null && send.message().poll() != null) {
      return Future.failedFuture(Failure.badRequest("a poll is for the room: to and poll do not go together"));
    }
    if (Overload.shed(send.message(), arrived)) {
      return Future.failedFuture(Failure.busy());
    }
    SlashCommands.Command command = to == null ? SlashCommands.parse(send.message().text()) : null;
    // one look at the members per message: Hazelcast builds a new member list on every call (seen in profiles)
    List<String> live = cluster.orderingNodes();
    return sendLimit.withinRate(request.user(), bot, live, arrived)
      .compose(waitingSince -> access.writable(send.room(), request.user())
        .compose(v -> encryptedAsItsRoom(send.room(), send.message()))
        .compose(v -> command != null ? commands.deliver(request.user(), send.room(), command,
            send.message().cid())
          : to != null ? commands.ephemeral(request.user(), send.room(), to, send.message().text())
          : ownership.toOwner(send.room(), send.message(), live, waitingSince).map(ChatMessage::toJson)));
  }
}
