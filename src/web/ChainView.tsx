// The chain view: each draft of an improvement chain, with the edit that made it highlighted
// and the replaced text shown struck through.
import type { Chain, ChainStep } from "../chains/types.js";

function StepText({ step }: { step: ChainStep }) {
  const cps = Array.from(step.text);
  if (!step.edit) return <div className="chain-text">{step.text}</div>;
  const [a, b] = step.edit.range_after;
  return (
    <div className="chain-text">
      {cps.slice(0, a).join("")}
      {step.edit.before !== "" && <del className="chain-before">{step.edit.before}</del>}
      <ins className="chain-after">{cps.slice(a, b).join("")}</ins>
      {cps.slice(b).join("")}
    </div>
  );
}

/** Every chain of an item, step by step. */
export function ChainView({ chains }: { chains: Chain[] }) {
  return (
    <div className="chains" data-testid="chains">
      {chains.map((chain) => (
        <section key={chain.id} className="chain">
          <h3>
            Chain {chain.id} <span className={`pill ${chain.status}`}>{chain.status}</span>
          </h3>
          {chain.stop && (
            <p className="muted">
              Stopped at span {chain.stop.span_index}: {chain.stop.reason}
            </p>
          )}
          <ol className="chain-steps">
            {chain.steps.map((step) => (
              <li key={step.index}>
                <div className="chain-step-head">
                  {step.index === 0 ? "Original" : `Step ${step.index}`}
                  {step.edit && (
                    <span className="muted">
                      {" "}
                      · span {step.edit.span_index} · {step.edit.reviser}
                      {step.edit.comment ? ` · “${step.edit.comment}”` : ""}
                    </span>
                  )}
                </div>
                <StepText step={step} />
              </li>
            ))}
          </ol>
        </section>
      ))}
    </div>
  );
}
