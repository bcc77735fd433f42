import type { Feature } from "./grants";

/** Stands in for a panel the sign-in's scopes do not allow, saying what is missing. */
export function Unavailable(props: { title: string; feature: Feature; reason: string }) {
  return (
    <section class="panel unavailable" aria-label={props.title} data-testid={`unavailable-${props.feature}`}>
      <h2 class="panel-title">{props.title}</h2>
      <p class="note" role="note">
        {props.reason}
      </p>
    </section>
  );
}
