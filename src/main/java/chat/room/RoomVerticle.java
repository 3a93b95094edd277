package chat.room;

import chat.account.UserDirectory;
import chat.metrics.ChatMetrics;
import chat.bus.Addresses;
import chat.bus.BridgeRequest;
import chat.bus.ChatMessage;
import chat.bus.Failure;
import chat.bus.RoomId;
import chat.cluster.ClusterView;
import chat.config.ChatConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Accepts messages: validates a {@code chat.send} from a browser ({@link SendValidation}), holds it to the user's
 * rate ({@link ClusterSendLimit}) and hands it to its room's owner, which stores then publishes it in id order
 * ({@link RoomOwnership}). Also relays typing.
 */
public class RoomVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(RoomVerticle.class);
  static final long TYPING_INTERVAL_MS = 2000;

  private final ChatConfig config;
  /** The configured topics as a set: every room id a browser sends is checked against it. */
  private final Set<String> topics;
  private final ClusterView cluster;
  private final ChatMetrics metrics;
  private final SendValidation validation;
  private RoomOwnership ownership;
  private final Map<String, Long> lastTyping = new HashMap<>();
  private ClusterSendLimit sendLimit;
  private UserDirectory users;

  public RoomVerticle(ChatConfig config, ClusterView cluster, ChatMetrics metrics) {
    this.config = config;
    this.topics = Set.copyOf(config.rooms());
    this.cluster = cluster;
    this.metrics = metrics;
    this.validation = new SendValidation(topics);
  }

  @Override
  public Future<?> start() {
    users = new UserDirectory(vertx);
    Peers peers = new Peers(vertx);
    sendLimit = new ClusterSendLimit(cluster, peers,
      new SendLimiter(config.security().messagesPerSecond(), config.security().messageBurst()));
    ownership = new RoomOwnership(vertx, cluster, topics, peers);
    vertx.setPeriodic(60_000, id -> {
      forgetOldTyping();
      sendLimit.forgetIdle();
    });
    return Future.all(
      vertx.eventBus().localConsumer(Addresses.SEND, this::onSend).completion(),
      vertx.eventBus().<JsonObject>consumer(Addresses.roomOwner(cluster.nodeId()), ownership::onOwnedSend).completion(),
      vertx.eventBus().<JsonObject>consumer(Addresses.sendLimit(cluster.nodeId()), sendLimit::onSendLimit).completion(),
      vertx.eventBus().localConsumer(Addresses.TYPING, this::onTyping).completion());
  }

  /** Sends already accepted are stored and published before the node goes. */
  @Override
  public Future<?> stop() {
    return ownership.idle().recover(failed -> Future.succeededFuture());
  }

  private void onSend(Message<Object> request) {
    Future.succeededFuture(request)
      .map(BridgeRequest::of)
      .compose(this::accept)
      .onSuccess(message -> {
        metrics.accepted();
        request.reply(message.toJson());
      })
      .onFailure(err -> {
        int code = Failure.code(err);
        metrics.refused(code);
        // who and why, never what they wrote; a flood's 429s are counted in the metrics, not written one by one
        if (code != Failure.TOO_MANY) {
          LOG.warn("send refused ({}): {} from {}", code, err.getMessage(), request.headers().get(Addresses.USER_HEADER));
        }
        Failure.reply(request, err);
      });
  }

  private Future<ChatMessage> accept(BridgeRequest request) {
    SendValidation.Send send = validation.check(request);
    // one look at the members per message: Hazelcast builds a new member list on every call (seen in profiles)
    List<String> live = cluster.liveNodes();
    return sendLimit.withinRate(request.user(), live)
      .compose(v -> users.usable(send.room(), request.user()))
      .compose(v -> ownership.toOwner(send.room(), send.message(), live));
  }

  /** Relays "typing" at most once per 2 s per user and room, for rooms the user may use (made-up partners: no). */
  private void onTyping(Message<Object> request) {
    BridgeRequest typing;
    RoomId room;
    try {
      typing = BridgeRequest.of(request);
      room = typing.room(topics);
    } catch (RuntimeException err) {
      Failure.reply(request, err);
      return;
    }
    users.usable(room, typing.user()).onComplete(usable -> {
      String key = RoomId.key(typing.user()) + " " + room.id();
      long now = System.currentTimeMillis();
      Long last = lastTyping.get(key);
      if (last == null || now - last >= TYPING_INTERVAL_MS) {
        lastTyping.put(key, now);
        vertx.eventBus().publish(Addresses.typing(room.id()),
          new JsonObject().put("room", room.id()).put("username", typing.user()));
      }
      request.reply(new JsonObject());
    }, err -> Failure.reply(request, err));
  }

  private void forgetOldTyping() {
    long cutoff = System.currentTimeMillis() - TYPING_INTERVAL_MS;
    lastTyping.values().removeIf(time -> time < cutoff);
  }
}
