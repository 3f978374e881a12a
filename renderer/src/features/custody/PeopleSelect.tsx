/** A choice of custodian by name, left empty until someone is chosen. */
export function PeopleSelect({ id, name, label, people }: { readonly id: string; readonly name: string; readonly label: string; readonly people: readonly string[] }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} defaultValue="">
        <option value="">— choose —</option>
        {people.map((p) => (
          <option key={p}>{p}</option>
        ))}
      </select>
    </div>
  );
}
