package chat.bus;

import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

/** Notices to one user's pages, on chat.user.&lt;name&gt; (through {@link Addresses#USER_NOTICES}, which says why). */
public final class Notices {

  private Notices() {
  }

  public static void tell(EventBus bus, String username, JsonObject notice) {
    bus.publish(Addresses.USER_NOTICES, notice.encode(),
      new DeliveryOptions().addHeader(Addresses.NOTICE_TO_HEADER, Addresses.user(username)));
  }
}
