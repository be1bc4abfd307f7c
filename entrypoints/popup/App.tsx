import type { ReactNode } from 'react';
import { InlineSettingsForm } from '@/components/InlineSettingsForm';
import { ModelSourceForm } from '@/components/ModelSourceForm';
import { ModelStatus, useEngineStatus } from '@/components/ModelStatus';
import { IdleSetting, SamplingSettings, useSettingsForm } from '@/components/SettingsForm';
import { SiteAccess } from '@/components/SiteAccess';
import { TryIt } from '@/components/TryIt';

function Section({ id, title, lead, children }: { id: string; title: string; lead?: string; children: ReactNode }) {
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {lead && <p className="lead">{lead}</p>}
      {children}
    </section>
  );
}

export function App() {
  const status = useEngineStatus();
  const form = useSettingsForm(status?.limits);
  return (
    <main>
      <header className="top">
        <h1>Abstract Autocomplete</h1>
        <ModelStatus status={status} />
      </header>
      <Section id="source" title="Model source" lead="The bundled model runs on this computer; or use your own model server.">
        <ModelSourceForm />
      </Section>
      <Section id="inline" title="Inline suggestions" lead="Grey text after the caret when you pause typing.">
        <InlineSettingsForm />
      </Section>
      <Section id="generate" title="Generate button" lead="Longer continuations: the button, the menu item and Alt+Shift+G.">
        <SamplingSettings form={form} />
        <TryIt />
      </Section>
      <div className="card">
        <SiteAccess />
      </div>
      <Section id="model" title="Model">
        <IdleSetting form={form} />
        <p className="hint">The bundled model runs on this computer (Model source above says where text goes). Change the shortcut at chrome://extensions/shortcuts.</p>
      </Section>
    </main>
  );
}
