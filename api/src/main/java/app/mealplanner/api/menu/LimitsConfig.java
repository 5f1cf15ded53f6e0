package app.mealplanner.api.menu;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Per-user rules, enforced in PostgreSQL so that they hold with any number of api pods. */
@ConfigMapping(prefix = "menu.limits")
public interface LimitsConfig {

    /** Jobs a user may have QUEUED or RUNNING at once. */
    @WithDefault("1")
    int activePerUser();

    /** Requests a user may have accepted in any rolling hour. */
    @WithDefault("20")
    int perHour();
}
