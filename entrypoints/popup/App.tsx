import { ModelStatus } from '@/components/ModelStatus';
import { SettingsForm } from '@/components/SettingsForm';
import { SiteAccess } from '@/components/SiteAccess';
import { TryIt } from '@/components/TryIt';

export function App() {
  return (
    <main>
      <h1>Abstract Autocomplete</h1>
      <ModelStatus />
      <TryIt />
      <h2>Settings</h2>
      <SettingsForm />
      <SiteAccess />
      <p className="hint">Shortcut: Alt+Shift+G (change it at chrome://extensions/shortcuts). Everything runs on this computer.</p>
    </main>
  );
}
