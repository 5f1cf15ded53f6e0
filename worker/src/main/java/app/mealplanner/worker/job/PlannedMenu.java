package app.mealplanner.worker.job;

import app.mealplanner.common.menu.Menu;
import app.mealplanner.common.menu.Menus;

/** A planned menu and the model tokens it cost (none for catalog menus). */
public record PlannedMenu(Menu.Plan plan, Menus.Usage usage) {
}
