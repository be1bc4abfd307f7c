import { ModelStatus, useEngineStatus } from '@/components/ModelStatus';
import { SettingsForm } from '@/components/SettingsForm';
import { SiteAccess } from '@/components/SiteAccess';
import { TryIt } from '@/components/TryIt';

export function App() {
  const status = useEngineStatus();
  return (
    <main>
      <h1>Abstract Autocomplete</h1>
      <ModelStatus status={status} />
      <TryIt />
      <h2>Settings</h2>
      <SettingsForm limits={status?.limits} />
      <SiteAccess />
      <p className="hint">Shortcut: Alt+Shift+G (change it at chrome://extensions/shortcuts). Everything runs on this computer.</p>
    </main>
  );
}
