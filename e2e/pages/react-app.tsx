// A controlled textarea: the value shown comes only from React state, so the
// test proves the app saw the inserted text through real input events.
import { useState } from 'react';
import { createRoot } from 'react-dom/client';

function App() {
  const [text, setText] = useState('');
  return (
    <main>
      <h1>React-controlled textarea</h1>
      <label htmlFor="abstract">Abstract</label>
      <textarea id="abstract" rows={6} cols={70} value={text} onChange={(e) => setText(e.target.value)} />
      <p>
        State: <output id="state">{text}</output>
      </p>
    </main>
  );
}

createRoot(document.getElementById('root')!).render(<App />);
