/**
 * The portal's page: a header with the sections (services, jobs, models, Azure ML v2), and the view the URL's
 * fragment names. Every view reads the portal API (`../api.ts`), nothing else.
 */
import { render } from "preact";
import { signOut } from "./client";
import { href, useRoute } from "./router";
import { JobsView, JobView } from "./views/jobs";
import { ModelsView, ModelView } from "./views/models";
import { ServicesView } from "./views/services";
import { TargetView } from "./views/target";
import { V2JobView, V2View } from "./views/v2";
import { V2EndpointView } from "./views/v2endpoint";

function View() {
  const route = useRoute();
  const [section, id, tab, sub] = route.segments;
  if (section === "targets" && id)
    return (
      <TargetView executionId={id} tab={tab === "test" || tab === "consume" ? tab : "overview"} />
    );
  if (section === "jobs" && id) return <JobView jobId={id} />;
  if (section === "jobs") return <JobsView target={route.query.get("target") ?? undefined} />;
  if (section === "models" && id) return <ModelView sha256={id} />;
  if (section === "models") return <ModelsView />;
  if (section === "v2" && id === "jobs" && tab) return <V2JobView id={tab} />;
  if (section === "v2" && id === "endpoints" && tab)
    return <V2EndpointView name={tab} tab={sub === "consume" || sub === "calls" ? sub : "test"} />;
  if (section === "v2") return <V2View />;
  return <ServicesView />;
}

function App() {
  const route = useRoute();
  const section = route.segments[0] ?? "services";
  const link = (name: string, label: string) => (
    <a
      href={href(name)}
      aria-current={
        section === name || (name === "services" && section === "targets") ? "page" : undefined
      }
    >
      {label}
    </a>
  );
  return (
    <>
      <a
        class="skip"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById("main")?.focus();
        }}
      >
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Azure ML emulator</span>
        <nav aria-label="Sections">
          {link("services", "Web services")}
          {link("jobs", "Jobs")}
          {link("models", "Models")}
          {link("v2", "Azure ML v2")}
        </nav>
        <button type="button" class="quiet" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <View />
      </main>
    </>
  );
}

const root = document.getElementById("app");
if (root) {
  root.textContent = "";
  render(<App />, root);
}
