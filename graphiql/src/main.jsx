// GraphiQL for mali-admin: the explorer, an "Examples" pane, and the example queries opened as
// tabs on a first visit. Everything here is bundled into the server; nothing is fetched from
// another origin.
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { explorerPlugin } from '@graphiql/plugin-explorer';
import { useEditorContext } from '@graphiql/react';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
// Resolved by build.mjs from examples/*.graphql, the files tests/graphiql.rs also runs.
import examples from 'mali-admin:examples';

import 'graphiql/style.css';
import '@graphiql/plugin-explorer/style.css';
// The fonts are data URLs inside these style sheets: no font server is asked.
import '@graphiql/react/font/roboto.css';
import '@graphiql/react/font/fira-code.css';
import './examples.css';

function ExamplesIcon() {
  return (
    <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.5" aria-hidden="true">
      <path d="M4 5h16M4 12h16M4 19h10" strokeLinecap="round" />
    </svg>
  );
}

// Opens an example in its own tab, or goes back to the tab that already holds it, so that a
// returning visitor (whose tabs GraphiQL restores from localStorage) still has every example.
function ExamplesPane() {
  const { tabs, changeTab, addTab, queryEditor } = useEditorContext({ nonNull: true });
  const open = (example) => {
    const index = tabs.findIndex((tab) => (tab.query ?? '').trim() === example.query.trim());
    if (index >= 0) {
      changeTab(index);
      return;
    }
    addTab();
    // addTab's state update renders before the next task; the new, empty tab is then the
    // editor's.
    setTimeout(() => queryEditor?.setValue(example.query), 0);
  };
  return (
    <div className="mali-examples">
      <div className="graphiql-doc-explorer-title">Examples</div>
      <p>Each runs as it is against this server. Click one to open it in a tab.</p>
      <ul>
        {examples.map((example) => (
          <li key={example.file}>
            <button type="button" className="graphiql-un-styled" onClick={() => open(example)}>
              <span className="mali-example-title">{example.title}</span>
              <span className="mali-example-description">{example.description}</span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

const examplesPlugin = { title: 'Examples', icon: ExamplesIcon, content: ExamplesPane };

const root = document.getElementById('graphiql');
const endpoint = new URL(root.dataset.endpoint, window.location.href).href;
const fetcher = createGraphiQLFetcher({ url: endpoint });

// A question handed over in the URL (`/?query=…`, as the map page's links do) opens first.
const asked = new URLSearchParams(window.location.search).get('query');
const tabs = examples.map((example) => ({ query: example.query }));
if (asked) tabs.unshift({ query: asked });

createRoot(root).render(
  <GraphiQL
    fetcher={fetcher}
    plugins={[examplesPlugin, explorerPlugin()]}
    defaultTabs={tabs}
    initialQuery={asked ?? undefined}
    defaultEditorToolsVisibility={false}
  />,
);
