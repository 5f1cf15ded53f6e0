package app.mealplanner.common.menu;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.Formula;
import org.hibernate.annotations.Generated;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.generator.EventType;
import org.hibernate.type.SqlTypes;

/**
 * A {@code menu} row. The body (request, days, shopping list, warnings) is one JSONB document; a listing
 * reads only its {@code request} ({@link #request}), never the whole body.
 */
@Entity
@Table(name = "menu")
public class MenuEntity {

    /** What the {@code body} column holds. */
    public record Body(MenuRequest request, java.util.List<Menu.Day> days, java.util.List<Menu.ShoppingItem> shoppingList,
            java.util.List<String> warnings) {
    }

    @Id
    public UUID id;

    @Column(name = "job_id", nullable = false, updatable = false)
    public UUID jobId;

    @Column(name = "user_id", nullable = false, updatable = false)
    public UUID userId;

    @Column(nullable = false, updatable = false)
    public String source;

    @Column(updatable = false)
    public String model;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false, updatable = false)
    public Body body;

    /** The request part of the body, computed by the database: what a listing shows. */
    @Formula("(body -> 'request')")
    @JdbcTypeCode(SqlTypes.JSON)
    public MenuRequest request;

    @Column(name = "prompt_tokens", updatable = false)
    public Integer promptTokens;

    @Column(name = "completion_tokens", updatable = false)
    public Integer completionTokens;

    @Generated(event = EventType.INSERT)
    @Column(name = "created_at", insertable = false, updatable = false)
    public Instant createdAt;

    public Menu toMenu() {
        return new Menu(id, jobId, createdAt, source, model, body.request(), body.days(), body.shoppingList(),
                body.warnings());
    }
}
